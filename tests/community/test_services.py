"""The community's services: writing, editing, reacting, accepting, moderating, trust and
rate limits, membership and messages."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from community import services
from community.models import (
    Attachment,
    Flag,
    MemberProfile,
    Membership,
    ModerationAction,
    Notification,
    Post,
    PostRevision,
    Subscription,
    Thread,
)
from community.uploads import check_attachment
from tests.accounts.factories import UserFactory, country_staff, global_admin
from tests.community.factories import CategoryFactory, CommunityFactory, member, trusted

pytestmark = pytest.mark.django_db


def start(community, author=None, **kwargs):
    author = author or trusted(UserFactory())
    return services.thread_create(
        author=author,
        community=community,
        title=kwargs.pop("title", "Overtime planning in peak season"),
        source=kwargs.pop("source", "How do you plan overtime?"),
        **kwargs,
    )


def png_upload(name="chart.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_starting_a_thread_makes_its_first_post_member_and_watcher(community):
    author = trusted(UserFactory())
    thread = start(community, author, source="Hello <script>x()</script>**world**")
    post = thread.posts.get()
    assert post.number == 1
    assert thread.post_count == 1
    assert "<script" not in post.html
    assert post.html.startswith("<p>Hello")
    assert Membership.objects.filter(community=community, user=author).exists()
    assert Subscription.objects.filter(user=author, thread=thread).exists()


def test_a_retried_submission_makes_one_thread_and_one_reply(community):
    author = trusted(UserFactory())
    first = start(community, author, client_id="abc123")
    again = start(community, author, client_id="abc123")
    assert first.pk == again.pk
    assert Thread.objects.count() == 1
    replier = trusted(UserFactory())
    reply = services.post_create(author=replier, thread=first, source="Yes", client_id="r1")
    same = services.post_create(author=replier, thread=first, source="Yes", client_id="r1")
    assert reply.pk == same.pk
    first.refresh_from_db()
    assert first.post_count == 2


def test_replies_are_numbered_and_the_first_answer_time_is_kept(community):
    asker = trusted(UserFactory())
    thread = start(community, asker, is_question=True)
    services.post_create(author=asker, thread=thread, source="Anyone?")
    thread.refresh_from_db()
    assert thread.first_answer_at is None
    answer = services.post_create(author=trusted(UserFactory()), thread=thread, source="Yes.")
    thread.refresh_from_db()
    assert answer.number == 3
    assert thread.post_count == 3
    assert thread.first_answer_at == answer.created_at


def test_a_locked_thread_takes_no_replies_except_from_moderators(community):
    moderator = member(community, role=Membership.Role.MODERATOR)
    thread = start(community)
    services.thread_moderate(moderator=moderator, thread=thread, action="lock")
    with pytest.raises(ValidationError):
        services.post_create(author=trusted(UserFactory()), thread=thread, source="late")
    services.post_create(author=moderator, thread=thread, source="Closing note")
    assert ModerationAction.objects.filter(action="lock", thread=thread).exists()


def test_a_silenced_member_cannot_post_until_the_silence_ends(community):
    moderator = member(community, role=Membership.Role.MODERATOR)
    noisy = trusted(member(community))
    thread = start(community)
    services.member_silence(
        community=community,
        user=noisy,
        by=moderator,
        until=timezone.now() + dt.timedelta(days=1),
        reason="Insults",
    )
    with pytest.raises(PermissionDenied):
        services.post_create(author=noisy, thread=thread, source="again")
    services.member_silence(community=community, user=noisy, by=moderator, until=None)
    services.post_create(author=noisy, thread=thread, source="sorry")
    actions = list(ModerationAction.objects.values_list("action", flat=True))
    assert "silence" in actions
    assert "unsilence" in actions


def test_a_member_cannot_silence_anyone(community):
    plain = member(community)
    with pytest.raises(PermissionDenied):
        services.member_silence(
            community=community, user=UserFactory(), by=plain, until=timezone.now()
        )


def test_new_accounts_are_limited_in_rate_links_and_files(community):
    newcomer = UserFactory()
    thread = start(community)
    for n in range(3):
        services.post_create(author=newcomer, thread=thread, source=f"Reply {n}")
    with pytest.raises(ValidationError) as error:
        services.post_create(author=newcomer, thread=thread, source="Fourth")
    assert error.value.code == "rate"
    other = UserFactory()
    links = " ".join(f"https://example.org/{n}" for n in range(3))
    with pytest.raises(ValidationError) as error:
        services.post_create(author=other, thread=thread, source=links)
    assert error.value.code == "links"
    with pytest.raises(ValidationError) as error:
        services.post_create(
            author=other,
            thread=thread,
            source="photo",
            attachments=[check_attachment(png_upload())],
        )
    assert error.value.code == "attachments"


def test_trusted_members_may_post_links_and_pictures(community):
    thread = start(community)
    author = trusted(UserFactory())
    post = services.post_create(
        author=author,
        thread=thread,
        source="See https://a.example/1 https://a.example/2 https://a.example/3",
        attachments=[check_attachment(png_upload())],
    )
    assert post.html.count('rel="nofollow noopener ugc"') == 3
    attachment = Attachment.objects.get(post=post)
    assert attachment.is_image
    assert attachment.content_type == "image/png"


def test_trainers_are_trusted_from_the_start():
    assert services.member_is_trusted(user=UserFactory(roles=["trainer"]))
    assert not services.member_is_trusted(user=UserFactory(roles=["worker"]))


def test_members_become_trusted_with_time_and_posts(community):
    veteran = UserFactory()
    veteran.date_joined = timezone.now() - dt.timedelta(days=30)
    veteran.save()
    thread = start(community)
    for n in range(3):
        services.post_create(author=veteran, thread=thread, source=f"Reply {n}")
    assert services.member_is_trusted(user=veteran)


def test_a_post_too_long_or_empty_is_refused_with_a_reason(community, settings):
    settings.COMMUNITY_POST_MAX_LENGTH = 100
    thread = start(community)
    with pytest.raises(ValidationError) as error:
        services.post_create(author=trusted(UserFactory()), thread=thread, source="x" * 101)
    assert error.value.code == "too_long"
    with pytest.raises(ValidationError) as error:
        services.post_create(
            author=trusted(UserFactory()), thread=thread, source="<script></script>"
        )
    assert error.value.code == "empty"


def test_editing_keeps_the_earlier_version(community):
    author = trusted(UserFactory())
    thread = start(community, author, source="First words")
    post = thread.posts.get()
    services.post_edit(editor=author, post=post, source="Better words", title="A clearer title")
    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.text == "Better words"
    assert post.edited_at
    assert thread.title == "A clearer title"
    assert PostRevision.objects.get(post=post).source == "First words"
    assert not ModerationAction.objects.exists()


def test_only_the_author_or_a_moderator_may_edit_and_moderators_are_logged(community):
    thread = start(community)
    post = thread.posts.get()
    with pytest.raises(PermissionDenied):
        services.post_edit(editor=member(community), post=post, source="mine now")
    moderator = member(community, role=Membership.Role.MODERATOR)
    services.post_edit(editor=moderator, post=post, source="Removed a phone number")
    assert ModerationAction.objects.get().action == "edit_post"


def test_a_reaction_toggles_and_never_counts_twice(community):
    thread = start(community)
    post = thread.posts.get()
    reader = UserFactory()
    assert services.reaction_toggle(user=reader, post=post, kind="helpful") is True
    assert services.reaction_toggle(user=reader, post=post, kind="helpful") is False
    assert services.reaction_toggle(user=reader, post=post, kind="helpful") is True
    assert post.reactions.count() == 1
    with pytest.raises(ValidationError):
        services.reaction_toggle(user=thread.author, post=post, kind="like")
    with pytest.raises(ValidationError):
        services.reaction_toggle(user=reader, post=post, kind="love")


def test_the_asker_accepts_an_answer_and_the_answerer_hears_of_it(community):
    asker = trusted(UserFactory())
    thread = start(community, asker, is_question=True)
    answerer = trusted(UserFactory())
    answer = services.post_create(author=answerer, thread=thread, source="Use SMV balancing.")
    with pytest.raises(PermissionDenied):
        services.answer_accept(user=answerer, post=answer)
    services.answer_accept(user=asker, post=answer)
    thread.refresh_from_db()
    assert thread.accepted_post == answer
    assert Notification.objects.filter(recipient=answerer, kind="accepted").exists()
    services.answer_accept(user=asker, post=answer)
    thread.refresh_from_db()
    assert thread.accepted_post is None


def test_the_question_itself_cannot_be_its_answer(community):
    asker = trusted(UserFactory())
    thread = start(community, asker, is_question=True)
    with pytest.raises(ValidationError):
        services.answer_accept(user=asker, post=thread.posts.get())


def test_three_reports_hide_a_post_until_a_moderator_decides(community, settings):
    settings.COMMUNITY_FLAGS_TO_HIDE = 3
    thread = start(community)
    spam = services.post_create(author=trusted(UserFactory()), thread=thread, source="Buy now")
    first_reporter = UserFactory()
    services.flag_create(reporter=first_reporter, post=spam, reason="spam")
    services.flag_create(reporter=first_reporter, post=spam, reason="harassment")
    spam.refresh_from_db()
    assert not spam.is_hidden
    assert Flag.objects.count() == 1
    services.flag_create(reporter=UserFactory(), post=spam, reason="spam")
    services.flag_create(reporter=UserFactory(), post=spam, reason="spam")
    spam.refresh_from_db()
    assert spam.is_hidden
    moderator = member(community, role=Membership.Role.MODERATOR)
    services.flag_dismiss(moderator=moderator, flag=Flag.objects.first())
    spam.refresh_from_db()
    assert not spam.is_hidden
    assert set(Flag.objects.values_list("status", flat=True)) == {"dismissed"}
    assert ModerationAction.objects.filter(action="dismiss_flag").exists()


def test_hiding_a_post_upholds_its_reports_and_tells_the_author(community):
    thread = start(community, is_question=True)
    rude = services.post_create(author=trusted(UserFactory()), thread=thread, source="Rude")
    services.flag_create(reporter=UserFactory(), post=rude, reason="harassment")
    moderator = member(community, role=Membership.Role.MODERATOR)
    services.post_hide(moderator=moderator, post=rude, reason="Personal attack")
    rude.refresh_from_db()
    thread.refresh_from_db()
    assert rude.is_hidden
    assert rude.hidden_reason == "Personal attack"
    assert thread.first_answer_at is None
    assert Flag.objects.get().status == "upheld"
    assert Notification.objects.filter(recipient=rude.author, kind="moderation").exists()
    entry = ModerationAction.objects.get(action="hide_post")
    assert entry.moderator == moderator
    assert entry.reason == "Personal attack"


def test_nobody_reports_their_own_post(community):
    thread = start(community)
    with pytest.raises(ValidationError):
        services.flag_create(reporter=thread.author, post=thread.posts.get(), reason="spam")


def test_country_staff_moderate_their_country_only(community):
    from tests.taxonomy.factories import country

    community.country = country("vn")
    community.save()
    thread = start(community)
    services.thread_moderate(moderator=country_staff("vn"), thread=thread, action="pin")
    with pytest.raises(PermissionDenied):
        services.thread_moderate(moderator=country_staff("jo"), thread=thread, action="unpin")
    services.thread_moderate(moderator=global_admin(), thread=thread, action="unpin")


def test_moving_a_thread_moves_its_posts_and_drops_watchers_who_cannot_follow(
    community, private_community
):
    moderator = member(community, role=Membership.Role.MODERATOR)
    member(private_community, moderator, role=Membership.Role.MODERATOR)
    outsider = trusted(UserFactory())
    thread = start(community)
    services.post_create(author=outsider, thread=thread, source="Watching")
    category = CategoryFactory(community=private_community)
    services.thread_move(
        moderator=moderator, thread=thread, community=private_community, category=category
    )
    assert set(Post.objects.filter(thread=thread).values_list("community", flat=True)) == {
        private_community.pk
    }
    assert not Subscription.objects.filter(user=outsider, thread=thread).exists()
    assert ModerationAction.objects.filter(action="move").count() == 2


def test_joining_follows_the_community_rules(community, private_community):
    person = UserFactory()
    assert services.community_join(user=person, community=community).status == "active"
    approval = CommunityFactory(join_policy="approval")
    assert services.community_join(user=person, community=approval).status == "pending"
    with pytest.raises(PermissionDenied):
        services.community_join(user=person, community=private_community)
    moderator = member(approval, role=Membership.Role.MODERATOR)
    services.membership_grant(community=approval, user=person, by=moderator)
    assert Membership.objects.get(community=approval, user=person).status == "active"
    assert ModerationAction.objects.filter(action="approve", target_user=person).exists()


def test_messages_reach_only_people_who_accept_them_and_are_rate_limited(settings):
    settings.COMMUNITY_MESSAGES_PER_DAY = 2
    sender, mentor, stranger = UserFactory(), UserFactory(), UserFactory()
    MemberProfile.objects.create(user=mentor, listed_in_directory=True)
    with pytest.raises(PermissionDenied):
        services.message_send(sender=sender, recipient=stranger, subject="Hi", body="Hello")
    services.message_send(sender=sender, recipient=mentor, subject="Mentoring", body="Could you?")
    assert Notification.objects.filter(recipient=mentor, kind="message").exists()
    services.message_send(sender=mentor, recipient=sender, subject="Re", body="Yes")
    services.message_send(sender=sender, recipient=mentor, subject="Thanks", body="Thanks")
    with pytest.raises(ValidationError):
        services.message_send(sender=sender, recipient=mentor, subject="More", body="More")


def test_unsubscribe_tokens_stop_one_thread_or_everything(community):
    thread = start(community)
    person = thread.author
    services.unsubscribe(token=services.unsubscribe_token(user=person, thread=thread))
    assert not Subscription.objects.filter(user=person, thread=thread).exists()
    services.unsubscribe(token=services.unsubscribe_token(user=person))
    assert services.profile_for(user=person).email_frequency == "never"
    with pytest.raises(ValidationError):
        services.unsubscribe(token="forged:token")


def test_mentions_link_to_people_who_exist(community):
    UserFactory(username="lan.nguyen")
    thread = start(community, source="Thanks @lan.nguyen and @nobody.here")
    html = thread.posts.get().html
    assert '<a href="/en/community/people/lan.nguyen/"' in html
    assert "@nobody.here" in html
    assert "people/nobody.here" not in html


def test_control_characters_and_direction_overrides_never_reach_the_database(community):
    thread = start(community, source="zero\x00byte \u202eevil")
    post = thread.posts.get()
    assert "\x00" not in post.source
    assert "\u202e" not in post.source
    assert "\u202e" not in post.html
