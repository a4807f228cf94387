# ruff: noqa: E501  (sentences and references read best unbroken)
"""The demo's global compliance assessment instrument: 8 clusters, 40 compliance points and
their questions, each with the ILO convention it rests on (or international good practice).

Written for the demo after the public structure of the programme's assessment tool; it is
not the programme's own text. Each row: question, reference, the answer that means
non-compliance ("no" or "yes"), publicly reported (True/False). Country versions add
national-law references that are marked as examples, not legal advice.
"""

GP = "good_practice"

# point code -> (guidance for the assessor, [(question, reference, non-compliant answer, public)])
QUESTIONS = {
    # --- Child Labour -------------------------------------------------------------------------
    "child-labourers": (
        "Compare the age register with ID copies; look at the youngest-looking workers; "
        "interview workers away from managers.",
        [
            ("Are there workers below the minimum working age?", "C138, Art. 2", "yes", True),
            (
                "Does the employer verify each worker's age with a reliable document before hiring?",
                "C138, Art. 9",
                "no",
                False,
            ),
            (
                "Does the employer keep copies of the age documents of all workers?",
                "C138, Art. 9(3)",
                "no",
                False,
            ),
            (
                "Are children present in production areas (for example with their parents)?",
                "C138, Art. 2; C182, Art. 3(d)",
                "yes",
                False,
            ),
        ],
    ),
    "hazardous-work": (
        "List the jobs of workers under 18 and check them against the hazardous-work list.",
        [
            (
                "Do workers under 18 do hazardous work?",
                "C182, Art. 3(d); C138, Art. 3",
                "yes",
                True,
            ),
            ("Do workers under 18 work at night?", "C138, Art. 3; C182, Art. 4", "yes", False),
            ("Do workers under 18 handle hazardous chemicals?", "C182, Art. 3(d)", "yes", False),
            ("Do workers under 18 operate dangerous machinery?", "C182, Art. 3(d)", "yes", False),
        ],
    ),
    "young-workers": (
        "Check the register of young workers, their hours and their medical checks.",
        [
            (
                "Does the employer keep a register of workers under 18?",
                "C138, Art. 9(3)",
                "no",
                False,
            ),
            (
                "Do workers under 18 work longer hours than the law allows?",
                "C138, Art. 3",
                "yes",
                False,
            ),
            (
                "Do workers under 18 have the periodic medical examinations required?",
                "C077, Art. 2 (young persons, medical examination)",
                "no",
                False,
            ),
            (
                "Are apprentices and trainees under 18 protected as the law requires?",
                "C138, Art. 6",
                "no",
                False,
            ),
        ],
    ),
    "unconditional-worst-forms": (
        "Interview workers about how they were recruited and whether anyone else receives "
        "their pay.",
        [
            (
                "Are children trafficked, sold or held in debt bondage at the workplace?",
                "C182, Art. 3(a)",
                "yes",
                True,
            ),
            (
                "Are children used for illicit activities connected with the workplace?",
                "C182, Art. 3(c)",
                "yes",
                False,
            ),
            (
                "Does anyone other than the young worker receive the young worker's wages?",
                "C182, Art. 3(a); C095, Art. 5",
                "yes",
                False,
            ),
            (
                "Are children recruited for work through intermediaries who keep them from their families?",
                "C182, Art. 3(a); C029",
                "yes",
                False,
            ),
        ],
    ),
    # --- Discrimination -----------------------------------------------------------------------
    "race-origin": (
        "Compare pay, jobs and promotions by nationality and ethnic origin.",
        [
            (
                "Does the employer discriminate in hiring on the basis of race, colour or national origin?",
                "C111, Art. 1",
                "yes",
                True,
            ),
            (
                "Are migrant workers paid less than local workers for the same work?",
                "C111, Art. 1; C097, Art. 6",
                "yes",
                False,
            ),
            (
                "Are conditions of work or promotion different by national extraction?",
                "C111, Art. 2",
                "yes",
                False,
            ),
            (
                "Are job advertisements free of preferences for a race or origin?",
                "C111, Art. 1",
                "no",
                False,
            ),
        ],
    ),
    "religion-opinion": (
        "Ask workers whether they can practise their religion and hold opinions without "
        "consequences at work.",
        [
            (
                "Does the employer discriminate on the basis of religion?",
                "C111, Art. 1",
                "yes",
                True,
            ),
            (
                "Does the employer discriminate on the basis of political opinion?",
                "C111, Art. 1",
                "yes",
                False,
            ),
            (
                "Are workers asked about their religion or political views when hired?",
                "C111, Art. 1",
                "yes",
                False,
            ),
            (
                "Are workers given reasonable time and space for religious practice where the law provides it?",
                "C111, Art. 1",
                "no",
                False,
            ),
        ],
    ),
    "gender": (
        "Compare pay by gender for the same job; check pregnancy testing, maternity "
        "protection and what workers say about harassment.",
        [
            (
                "Does the employer require pregnancy tests or contraception as a condition of work?",
                "C111, Art. 1; C183, Art. 9",
                "yes",
                True,
            ),
            (
                "Are women and men paid the same for work of equal value?",
                "C100, Art. 2",
                "no",
                True,
            ),
            (
                "Are pregnant workers or workers on maternity leave dismissed or demoted?",
                "C183, Art. 8",
                "yes",
                True,
            ),
            (
                "Do pregnant and breastfeeding workers have the protections the law requires?",
                "C183, Art. 3, 10",
                "no",
                False,
            ),
            (
                "Are job offers or promotions limited by gender without a genuine requirement of the job?",
                "C111, Art. 1(2)",
                "yes",
                False,
            ),
        ],
    ),
    "other-grounds": (
        "Ask about treatment of workers with disabilities, HIV, union membership or age.",
        [
            (
                "Does the employer discriminate on the basis of HIV status?",
                "R200, Para. 3(c); C111, Art. 1(1)(b)",
                "yes",
                False,
            ),
            (
                "Does the employer discriminate against workers with disabilities?",
                "C159, Art. 4; C111, Art. 1(1)(b)",
                "yes",
                False,
            ),
            (
                "Does the employer discriminate on the basis of age?",
                "C111, Art. 1(1)(b)",
                "yes",
                False,
            ),
            (
                "Are workers treated differently because of union membership when hired or promoted?",
                "C098, Art. 1; C111, Art. 5",
                "yes",
                False,
            ),
        ],
    ),
    "violence-harassment": (
        "Interview workers privately; check the policy, the complaint channel and what "
        "happened to complaints.",
        [
            (
                "Are workers subject to sexual harassment at the workplace?",
                "C190, Art. 1, 7",
                "yes",
                True,
            ),
            ("Are workers subject to physical or verbal abuse?", "C190, Art. 1", "yes", True),
            (
                "Does the employer have a policy on violence and harassment made with workers?",
                "C190, Art. 9",
                "no",
                False,
            ),
            (
                "Is there a safe, confidential way to complain about harassment?",
                "C190, Art. 10(b)",
                "no",
                False,
            ),
        ],
    ),
    # --- Forced Labour ------------------------------------------------------------------------
    "coercion": (
        "Check where identity documents are kept, whether workers can leave the premises, "
        "and how resignations are handled.",
        [
            (
                "Does the employer keep workers' identity documents or passports against their will?",
                "C029, Art. 2; P029",
                "yes",
                True,
            ),
            (
                "Are workers free to leave the workplace at the end of their shift?",
                "C029, Art. 2",
                "no",
                True,
            ),
            (
                "Are workers free to resign with the notice the law requires?",
                "C029, Art. 2; C105, Art. 1",
                "no",
                False,
            ),
            (
                "Does the employer use threats or violence to make workers work?",
                "C029, Art. 2",
                "yes",
                True,
            ),
        ],
    ),
    "bonded-labour": (
        "Check recruitment fees paid by workers and any loans or deposits.",
        [
            (
                "Do workers pay recruitment fees or costs?",
                "C181, Art. 7; P029, Art. 2(d)",
                "yes",
                True,
            ),
            (
                "Are workers bound to the employer by debts or loans?",
                "C029, Art. 2; P029",
                "yes",
                False,
            ),
            (
                "Does the employer require deposits or withhold wages to keep workers?",
                "C095, Art. 8; C029",
                "yes",
                False,
            ),
            (
                "Are migrant workers' return tickets or end-of-contract payments withheld to keep them?",
                "C029; P029; C097",
                "yes",
                False,
            ),
        ],
    ),
    "forced-overtime": (
        "Ask workers whether they can refuse overtime and what happens if they do.",
        [
            (
                "Are workers forced to work overtime under threat of a penalty?",
                "C029, Art. 2; C105",
                "yes",
                True,
            ),
            ("Are workers locked in to make them work overtime?", "C029, Art. 2", "yes", False),
            (
                "Are production targets set so that workers must work unpaid extra hours?",
                "C029, Art. 2",
                "yes",
                False,
            ),
            (
                "Are workers who refuse overtime fined, dismissed or denied bonuses?",
                "C029, Art. 2; C105",
                "yes",
                False,
            ),
        ],
    ),
    "prison-labour": (
        "Check subcontractors and any labour supplied by prisons.",
        [
            (
                "Does the employer use prison labour involuntarily?",
                "C029, Art. 2(2)(c)",
                "yes",
                True,
            ),
            (
                "Are prisoners working for the employer under the supervision of a public authority "
                "and with their consent?",
                "C029, Art. 2(2)(c)",
                "no",
                False,
            ),
            (
                "Are goods made by prison labour supplied to the factory through subcontractors?",
                "C029, Art. 2(2)(c); C105",
                "yes",
                False,
            ),
        ],
    ),
    # --- Freedom of Association and Collective Bargaining ------------------------------------
    "freedom-to-associate": (
        "Interview union representatives and workers; check the union's access to workers.",
        [
            (
                "Are workers free to form and join a union of their choosing?",
                "C087, Art. 2",
                "no",
                True,
            ),
            (
                "Does the employer require workers to join or not to join a union?",
                "C098, Art. 1(2)(a)",
                "yes",
                False,
            ),
            (
                "Are union members or leaders dismissed or threatened because of union activity?",
                "C098, Art. 1",
                "yes",
                True,
            ),
            (
                "Can the union hold meetings without the employer present?",
                "C087, Art. 3",
                "no",
                False,
            ),
        ],
    ),
    "interference": (
        "Look for signs that management controls or funds the union.",
        [
            (
                "Does the employer interfere in the union's internal affairs or elections?",
                "C098, Art. 2",
                "yes",
                True,
            ),
            ("Does the employer control or finance the union?", "C098, Art. 2(2)", "yes", False),
            (
                "Are workers treated differently for being union members?",
                "C098, Art. 1",
                "yes",
                False,
            ),
            (
                "Does management take part in worker-side meetings of the bipartite committee?",
                "C098, Art. 2; C135",
                "yes",
                False,
            ),
        ],
    ),
    "collective-bargaining": (
        "Read the collective agreement and compare it with payroll and practice.",
        [
            (
                "Does the employer refuse to bargain in good faith with the union?",
                "C098, Art. 4; C154",
                "yes",
                True,
            ),
            ("Does the employer respect the collective agreement?", "C098, Art. 4", "no", True),
            (
                "Are workers given the collective agreement in a language they understand?",
                "C154, Art. 5",
                "no",
                False,
            ),
            (
                "Is the collective agreement registered as the law requires?",
                "C154; national law",
                "no",
                False,
            ),
        ],
    ),
    "strikes": (
        "Ask about recent strikes or work stoppages and what followed.",
        [
            (
                "Are workers punished for taking part in a lawful strike?",
                "C087 (ILO supervisory bodies)",
                "yes",
                True,
            ),
            (
                "Does the employer replace striking workers during a lawful strike?",
                "C087 (ILO supervisory bodies)",
                "yes",
                False,
            ),
            (
                "Are workers paid the wages due for days worked before a strike?",
                "C095, Art. 12",
                "no",
                False,
            ),
        ],
    ),
    "union-operations": (
        "Check time off and facilities for union representatives.",
        [
            (
                "Do union representatives get the time off and facilities the law or agreement provides?",
                "C135, Art. 2",
                "no",
                False,
            ),
            (
                "Does the employer deduct union dues as workers have agreed and pass them on?",
                "C095, Art. 8",
                "no",
                False,
            ),
            (
                "Do union representatives have access to the workplace to do their job?",
                "C135, Art. 2",
                "no",
                False,
            ),
        ],
    ),
    # --- Compensation ----------------------------------------------------------------------
    "minimum-wages": (
        "Recalculate a sample of payslips (at least 10 workers over 3 months) against the "
        "legal minimum, including piece-rate workers.",
        [
            (
                "Are all workers paid at least the minimum wage for regular hours?",
                "C131, Art. 2",
                "no",
                True,
            ),
            (
                "Are piece-rate workers paid at least the minimum wage?",
                "C131, Art. 2; C095",
                "no",
                True,
            ),
            (
                "Are trainees and probationary workers paid what the law requires?",
                "C131, Art. 2",
                "no",
                False,
            ),
            (
                "Are workers paid the minimum wage that applies to their region?",
                "C131, Art. 4",
                "no",
                False,
            ),
        ],
    ),
    "overtime-wages": (
        "Compare time records with payroll for overtime hours and rates.",
        [
            (
                "Are workers paid the overtime rate the law requires?",
                "C001, Art. 6; C030",
                "no",
                True,
            ),
            ("Is all overtime recorded and paid?", "C001, Art. 6", "no", True),
            (
                "Are workers paid the rate for overtime on rest days and holidays?",
                "C014; C001",
                "no",
                False,
            ),
        ],
    ),
    "premium-pay": (
        "Check night-shift and hazard allowances on payslips.",
        [
            ("Are workers paid the night-work premium?", "C171, Art. 8", "no", False),
            ("Are allowances the law requires (e.g. hazardous work) paid?", "C095", "no", False),
            (
                "Are bonuses promised in contracts or the collective agreement paid?",
                "C095, Art. 1",
                "no",
                False,
            ),
        ],
    ),
    "paid-leave": (
        "Check leave records against entitlements for a sample of workers.",
        [
            (
                "Do workers receive the paid annual leave the law requires?",
                "C132, Art. 3",
                "no",
                True,
            ),
            ("Are workers paid for public holidays?", "C132, Art. 6", "no", False),
            ("Is paid maternity leave given as the law requires?", "C183, Art. 4, 6", "no", True),
            ("Is paid sick leave given as the law requires?", "C130", "no", False),
        ],
    ),
    "wage-information": (
        "Read payslips with workers: can they understand how their pay was calculated?",
        [
            (
                "Do workers receive a payslip that shows how their pay was calculated?",
                "C095, Art. 14",
                "no",
                False,
            ),
            (
                "Does the employer make deductions from wages that the law does not allow?",
                "C095, Art. 8",
                "yes",
                True,
            ),
            (
                "Does the employer use fines as a disciplinary measure?",
                "C095, Art. 8",
                "yes",
                False,
            ),
            ("Are wage records kept accurately?", "C095, Art. 14", "no", False),
        ],
    ),
    "social-security": (
        "Check contributions to social and health insurance against payroll.",
        [
            (
                "Does the employer pay social insurance contributions for all eligible workers?",
                "C102",
                "no",
                True,
            ),
            ("Are contributions based on the workers' actual wages?", "C102", "no", False),
            (
                "Does the employer provide the health insurance the law requires?",
                "C130; C102",
                "no",
                False,
            ),
            (
                "Are workers informed of the contributions paid on their behalf?",
                "C102; C095, Art. 14",
                "no",
                False,
            ),
        ],
    ),
    "method-of-payment": (
        "Check pay dates, the method of payment and any late payments.",
        [
            ("Are wages paid on time?", "C095, Art. 12", "no", True),
            (
                "Are wages paid in legal tender or by bank transfer the worker agreed to?",
                "C095, Art. 3",
                "no",
                False,
            ),
            ("Are workers paid in full when they leave?", "C095, Art. 12(2); C173", "no", False),
            (
                "Are workers paid at least once a month (or as the law requires)?",
                "C095, Art. 12",
                "no",
                False,
            ),
        ],
    ),
    # --- Contracts and Human Resources ------------------------------------------------------
    "employment-contracts": (
        "Read a sample of contracts; ask workers whether they received and understood theirs.",
        [
            (
                "Do all workers have a written contract that meets the law's requirements?",
                "C158; national law",
                "no",
                False,
            ),
            (
                "Are workers given a copy of their contract in a language they understand?",
                "C097, Art. 6; C189 (practice)",
                "no",
                False,
            ),
            (
                "Does the employer use repeated short-term contracts to avoid obligations?",
                "C158, Art. 2(3)",
                "yes",
                False,
            ),
            ("Are probation periods within the legal limits?", "C158, Art. 2(2)(b)", "no", False),
        ],
    ),
    "contracting-procedures": (
        "Check subcontractors and labour agencies used.",
        [
            (
                "Does the employer use a labour agency that is licensed?",
                "C181, Art. 3",
                "no",
                False,
            ),
            (
                "Are workers supplied by agencies treated as the law requires?",
                "C181, Art. 11",
                "no",
                False,
            ),
            ("Is production subcontracted to unauthorised sites?", "good practice", "yes", False),
            (
                "Are homeworkers engaged by the factory paid and protected as the law requires?",
                "C177, Art. 4",
                "no",
                False,
            ),
        ],
    ),
    "termination": (
        "Check a sample of terminations, the reasons given and the severance paid.",
        [
            ("Are workers dismissed without a valid reason?", "C158, Art. 4", "yes", True),
            (
                "Are workers given the notice or pay in lieu the law requires?",
                "C158, Art. 11",
                "no",
                False,
            ),
            ("Is severance paid as the law requires?", "C158, Art. 12", "no", False),
            (
                "Does the employer follow the legal procedure for collective dismissals?",
                "C158, Art. 13",
                "no",
                False,
            ),
        ],
    ),
    "dialogue-discipline-disputes": (
        "Check the disciplinary rules, the grievance channel and the bipartite committee.",
        [
            (
                "Are disciplinary rules written and explained to workers?",
                "R130; C158, Art. 7",
                "no",
                False,
            ),
            (
                "Is there a grievance procedure workers can use without fear?",
                "R130, Para. 2",
                "no",
                False,
            ),
            (
                "Does the bipartite committee meet regularly with elected worker representatives?",
                "R094; C135",
                "no",
                False,
            ),
            ("Are disciplinary measures proportionate and recorded?", "C158, Art. 7", "no", False),
        ],
    ),
    # --- Occupational Safety and Health ----------------------------------------------------
    "osh-management": (
        "Check the OSH policy, risk assessment, OSH committee minutes and accident records.",
        [
            (
                "Has the employer assessed the risks to workers' safety and health?",
                "C155, Art. 16; C187",
                "no",
                False,
            ),
            (
                "Is there an OSH committee with worker representatives that meets as required?",
                "C155, Art. 19",
                "no",
                False,
            ),
            (
                "Are work-related accidents and diseases recorded and reported?",
                "C155, Art. 11(c); P155",
                "no",
                True,
            ),
            (
                "Has the employer appointed trained OSH staff as required?",
                "C161; C155",
                "no",
                False,
            ),
        ],
    ),
    "chemicals": (
        "Walk the chemical store and work stations; check labels and safety data sheets.",
        [
            (
                "Are chemicals labelled and their safety data sheets available in the workers' language?",
                "C170, Art. 7, 8",
                "no",
                False,
            ),
            (
                "Are chemicals stored safely, away from ignition sources?",
                "C170, Art. 12",
                "no",
                False,
            ),
            ("Are workers trained on the chemicals they use?", "C170, Art. 15", "no", False),
            (
                "Are eye-wash stations or emergency showers available where chemicals are used?",
                "C170",
                "no",
                False,
            ),
        ],
    ),
    "worker-protection": (
        "Observe machines and workers; check personal protective equipment in use.",
        [
            ("Do machines have the guards needed to protect workers?", "C119, Art. 2", "no", True),
            (
                "Is suitable personal protective equipment provided free of charge?",
                "C155, Art. 16(3)",
                "no",
                False,
            ),
            (
                "Are electrical installations safe (wires covered, panels closed)?",
                "C155, Art. 16",
                "no",
                False,
            ),
            (
                "Can workers remove themselves from imminent danger without penalty?",
                "C155, Art. 13",
                "no",
                False,
            ),
        ],
    ),
    "working-environment": (
        "Measure temperature, noise and light at a few workstations.",
        [
            ("Is the temperature in work areas acceptable?", "C148; C155", "no", False),
            (
                "Is noise kept within safe limits, with hearing protection where needed?",
                "C148, Art. 4",
                "no",
                False,
            ),
            ("Is lighting adequate for the work?", "C155", "no", False),
            ("Is ventilation adequate, including where dust or fumes arise?", "C148", "no", False),
        ],
    ),
    "health-first-aid": (
        "Check the clinic, first-aid kits and trained first-aiders on every shift.",
        [
            (
                "Are enough first-aid kits available and stocked?",
                "C161; C155, Art. 18",
                "no",
                False,
            ),
            ("Are trained first-aiders present on every shift?", "C155, Art. 18", "no", False),
            (
                "Does the employer provide the medical services the law requires?",
                "C161, Art. 5",
                "no",
                False,
            ),
            ("Are health checks for workers done as required?", "C161, Art. 5", "no", False),
        ],
    ),
    "welfare-facilities": (
        "Visit toilets, drinking water points, canteen and childcare.",
        [
            ("Is safe drinking water freely available?", "C120, Art. 12", "no", False),
            (
                "Are there enough clean toilets, separate for women and men?",
                "C120, Art. 13",
                "no",
                False,
            ),
            ("Is there a place to eat apart from the work area?", "C120, Art. 16", "no", False),
            (
                "Are breastfeeding facilities or childcare provided as the law requires?",
                "C183, Art. 10",
                "no",
                False,
            ),
        ],
    ),
    "accommodation": (
        "Visit dormitories provided by the employer (or a third party for the employer).",
        [
            ("Is accommodation provided by the employer safe and sanitary?", "R115", "no", False),
            ("Does accommodation have fire safety equipment and exits?", "R115", "no", False),
            ("Are workers free to come and go from the accommodation?", "C029; R115", "no", False),
            (
                "Are women and men housed separately with locks on their rooms?",
                "R115; C190, Art. 9",
                "no",
                False,
            ),
        ],
    ),
    "emergency-preparedness": (
        "Walk every exit route; check the alarm, fire drills, extinguishers and trained "
        "fire-fighters per floor (international good practice where the law is silent).",
        [
            (
                "Are emergency exits unlocked and free of obstruction during working hours?",
                "C155, Art. 16, 18",
                "no",
                True,
            ),
            (
                "Is there a fire alarm that can be heard and seen everywhere?",
                "C155, Art. 18",
                "no",
                True,
            ),
            (
                "Are fire drills held at least as often as the law requires?",
                "C155, Art. 18",
                "no",
                False,
            ),
            (
                "Are enough workers trained to fight fires on each floor and shift?",
                "good practice",
                "no",
                False,
            ),
            (
                "Are fire extinguishers available, charged and accessible?",
                "C155, Art. 18",
                "no",
                False,
            ),
        ],
    ),
    # --- Working Time -------------------------------------------------------------------------
    "regular-hours": (
        "Compare time cards, gate records and production records for a sample of weeks.",
        [
            (
                "Do regular working hours stay within the legal limit?",
                "C001, Art. 2; C047",
                "no",
                True,
            ),
            ("Do workers get at least one day off in seven?", "C014, Art. 2", "no", True),
            ("Are working time records accurate and complete?", "C001, Art. 8", "no", False),
            ("Do workers get the breaks the law requires?", "C001; national law", "no", False),
        ],
    ),
    "overtime": (
        "Count overtime hours per worker per week, month and year against the legal limits.",
        [
            ("Does overtime stay within the legal limits?", "C001, Art. 6", "no", True),
            ("Is overtime voluntary?", "C001; C029", "no", True),
            (
                "Does the employer have the permits the law requires for overtime?",
                "C001, Art. 6(2)",
                "no",
                False,
            ),
            (
                "Do workers get a rest of at least the legal minimum between shifts?",
                "C001; national law",
                "no",
                False,
            ),
        ],
    ),
    "leave": (
        "Check leave requests and whether workers are refused leave they are entitled to.",
        [
            (
                "Can workers take the annual leave they are entitled to?",
                "C132, Art. 10",
                "no",
                False,
            ),
            (
                "Can workers take the maternity leave they are entitled to?",
                "C183, Art. 4",
                "no",
                True,
            ),
            (
                "Can workers take special leave (marriage, bereavement) as the law allows?",
                "national law",
                "no",
                False,
            ),
            (
                "Are workers allowed breastfeeding breaks during working time?",
                "C183, Art. 10",
                "no",
                False,
            ),
        ],
    ),
}

# Examples of national-law references, per cluster: not legal advice.
NATIONAL_EXAMPLES = {
    "vn": {
        "child-labour": "Labour Code 2019 (No. 45/2019/QH14), Chapter XI, minor workers",
        "discrimination": "Labour Code 2019, Art. 8 and Chapter X (female workers)",
        "forced-labour": "Labour Code 2019, Art. 8 (prohibited acts)",
        "freedom-of-association": "Labour Code 2019, Chapter XIII (workers' representative organisations)",
        "compensation": "Labour Code 2019, Chapter VI (wages); Decree on regional minimum wages",
        "contracts-hr": "Labour Code 2019, Chapter III (labour contracts)",
        "osh": "Law on Occupational Safety and Hygiene 2015",
        "working-time": "Labour Code 2019, Chapter VII (working hours and rest periods)",
    },
    "jo": {
        "child-labour": "Labour Law No. 8 of 1996 (as amended), provisions on juveniles",
        "discrimination": "Labour Law No. 8 of 1996 (as amended), provisions on women and equal pay",
        "forced-labour": "Labour Law No. 8 of 1996 (as amended); Anti-Human Trafficking Law",
        "freedom-of-association": "Labour Law No. 8 of 1996 (as amended), provisions on trade unions",
        "compensation": "Labour Law No. 8 of 1996 (as amended), provisions on wages; minimum wage decision",
        "contracts-hr": "Labour Law No. 8 of 1996 (as amended), provisions on employment contracts",
        "osh": "Labour Law No. 8 of 1996 (as amended), provisions on occupational safety and health",
        "working-time": "Labour Law No. 8 of 1996 (as amended), provisions on working hours",
    },
}

COUNTRY_VERSION_NAMES = {
    "vn": "Compliance Assessment Tool — Vietnam",
    "jo": "Compliance Assessment Tool — Jordan",
}
