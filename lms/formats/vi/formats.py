"""Vietnamese date formats. Django's own DATE_FORMAT begins with the word "Ngày" (day), so
every sentence that says "vào ngày %(date)s" (on %(date)s) printed "vào ngày Ngày …".
Our sentences bring their own preposition; the date is "5 tháng 3 năm 2026". Everything
not set here comes from Django's Vietnamese formats."""

DATE_FORMAT = r"j \t\há\n\g n \nă\m Y"
