"""Community pages. Each view finds what the person may see (a private community is a 404
to anyone outside it), validates input, calls one service or selector and renders."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms import learner_page_cache
from lms.accounts.exposure import (
    others_data,
    own_data,
    own_or_others_data,
    public_data,
    require_second_factor_unless_own,
)
from lms.private_files import private_file_response
from lms.request_values import key_or_zero
from lms.taxonomy.models import Cluster, Country, Sector
from lms.taxonomy.selectors import terms_in_language

from . import fragments, kept_pages, markup, permissions, selectors, services
from .forms import (
    AddMemberForm,
    DirectoryFilterForm,
    EditForm,
    FlagForm,
    HideForm,
    MessageForm,
    MoveForm,
    PostForm,
    ProfileForm,
    ReactionForm,
    SearchForm,
    SilenceForm,
    ThreadForm,
)
from .models import (
    Attachment,
    Community,
    DirectMessage,
    Flag,
    MemberProfile,
    Membership,
    Notification,
    Post,
    Reaction,
    ReadPosition,
    Subscription,
    Thread,
)

User = get_user_model()


def _community(request, slug) -> Community:
    community = get_object_or_404(
        Community.objects.select_related("country", "sector", "cluster"), slug=slug
    )
    if not permissions.can_view(request.user, community):
        raise Http404
    return community


def _thread(request, community, pk) -> Thread:
    thread = get_object_or_404(
        Thread.objects.select_related("author", "category"), pk=pk, community=community
    )
    thread.community = community
    if thread.is_hidden and not permissions.can_moderate(request.user, community):
        raise Http404
    return thread


def _thread_for_reader(request, slug, pk) -> Thread:
    """The thread, its community and category, and the reader's own state there (how far
    they read, whether they watch it, their membership, their unread notifications), in one
    query; 404 unless the reader may see it (checked on what that query read, no more
    queries for a member)."""
    threads = Thread.objects.select_related(
        "author", "category", "community__country", "community__sector", "community__cluster"
    )
    if request.user.is_authenticated:
        membership = Membership.objects.filter(
            community=OuterRef("community_id"), user=request.user
        )
        threads = threads.annotate(
            reader_position=Subquery(
                ReadPosition.objects.filter(thread=OuterRef("pk"), user=request.user).values(
                    "last_read_number"
                )[:1]
            ),
            reader_watching=Exists(
                Subscription.objects.filter(thread=OuterRef("pk"), user=request.user)
            ),
            reader_membership_id=Subquery(membership.values("pk")[:1]),
            reader_membership_status=Subquery(membership.values("status")[:1]),
            reader_membership_role=Subquery(membership.values("role")[:1]),
            reader_silenced_until=Subquery(membership.values("silenced_until")[:1]),
            reader_unread=selectors.unread_notifications(user=request.user),
        )
    thread = threads.filter(pk=pk, community__slug=slug).first()
    if thread is None:
        raise Http404
    if request.user.is_authenticated:
        _remember_membership(request, thread)
    if not permissions.can_view(request.user, thread.community):
        raise Http404
    if thread.is_hidden and not permissions.can_moderate(request.user, thread.community):
        raise Http404
    return thread


def _remember_membership(request, thread) -> None:
    """The reader's membership, read with the thread: the permission checks ask no more."""
    membership = None
    if thread.reader_membership_id is not None:
        membership = Membership.from_db(
            thread._state.db,
            ["id", "community_id", "user_id", "role", "status", "silenced_until"],
            [
                thread.reader_membership_id,
                thread.community_id,
                request.user.pk,
                thread.reader_membership_role,
                thread.reader_membership_status,
                thread.reader_silenced_until,
            ],
        )
    memberships = getattr(request.user, "_community_memberships", None)
    if memberships is None:
        memberships = request.user._community_memberships = {}
    memberships[thread.community_id] = membership
    # The community menu's unread count, read with the thread too.
    request.community_unread = thread.reader_unread


def _post(request, pk) -> Post:
    post = get_object_or_404(
        Post.objects.select_related("thread", "community", "author", "thread__author"), pk=pk
    )
    post.thread.community = post.community
    if not permissions.can_view(request.user, post.community):
        raise Http404
    moderator = permissions.can_moderate(request.user, post.community)
    if (post.thread.is_hidden or post.is_hidden) and not (
        moderator or (post.is_hidden and post.author_id == request.user.pk)
    ):
        raise Http404
    return post


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You are not allowed to do that.")


def _back(request, fallback):
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(fallback)


def _thread_url(thread, page=None, anchor=None):
    url = reverse("community:thread", kwargs={"slug": thread.community.slug, "pk": thread.pk})
    if page and page > 1:
        url += f"?page={page}"
    if anchor:
        url += f"#{anchor}"
    return url


# --- index, community, thread --------------------------------------------------------------


@public_data
@require_GET
def index(request):
    filters = {
        key: request.GET.get(key, "")[:40] for key in ("country", "sector", "topic", "language")
    }
    communities = list(
        selectors.community_index(
            user=request.user,
            country=filters["country"],
            sector=filters["sector"],
            cluster=filters["topic"],
            language=filters["language"],
        )
    )
    countries = terms_in_language(model=Country)
    sectors = terms_in_language(model=Sector)
    clusters = terms_in_language(model=Cluster)
    for community in communities:
        community.country_term = (
            countries.get(community.country.code) if community.country else None
        )
        community.sector_term = sectors.get(community.sector.code) if community.sector else None
        community.cluster_term = clusters.get(community.cluster.code) if community.cluster else None
    return render(
        request,
        "community/index.html",
        {
            "communities": communities,
            "filters": filters,
            "countries": sorted(countries.values(), key=lambda t: t.name),
            "sectors": sorted(sectors.values(), key=lambda t: t.name),
            "clusters": list(clusters.values()),
            "language_names": dict(selectors.settings.LANGUAGES),
        },
    )


@public_data
@require_GET
def community_detail(request, slug):
    community = _community(request, slug)
    category = None
    if request.GET.get("category"):
        category = get_object_or_404(community.categories, slug=request.GET["category"])
    moderator = permissions.can_moderate(request.user, community)
    filter_ = request.GET.get("filter", "")
    threads = selectors.threads_for(
        community=community,
        user=request.user,
        category=category,
        show_hidden=moderator,
        filter_=filter_ if filter_ in ("unanswered", "questions") else "",
    )
    from django.core.paginator import Paginator

    page = Paginator(threads, selectors.THREADS_PER_PAGE).get_page(request.GET.get("page"))
    watching_category = (
        category is not None
        and request.user.is_authenticated
        and Subscription.objects.filter(user=request.user, category=category).exists()
    )
    return render(
        request,
        "community/community.html",
        {
            "community": community,
            "categories": list(community.categories.all()),
            "category": category,
            "filter": filter_,
            "page": page,
            "membership": permissions.membership_of(request.user, community),
            "can_moderate": moderator,
            "can_post": permissions.can_post(request.user, community),
            "watching_category": watching_category,
            "open_flag_count": (
                Flag.objects.filter(post__community=community, status=Flag.Status.OPEN).count()
                if moderator
                else 0
            ),
            "pending_count": (
                community.memberships.filter(status=Membership.Status.PENDING).count()
                if moderator
                else 0
            ),
        },
    )


@own_data
@require_POST
@login_required
def community_join(request, slug):
    community = _community(request, slug)
    try:
        membership = services.community_join(user=request.user, community=community)
    except PermissionDenied as error:
        messages.error(request, _error_text(error))
    else:
        if membership.status == Membership.Status.PENDING:
            messages.success(request, _("You asked to join. A moderator will reply soon."))
        else:
            messages.success(request, _("Welcome to %(name)s.") % {"name": community.name})
    return redirect("community:community", slug=community.slug)


@own_data
@require_POST
@login_required
def community_leave(request, slug):
    community = _community(request, slug)
    services.community_leave(user=request.user, community=community)
    messages.success(request, _("You left %(name)s.") % {"name": community.name})
    if permissions.can_view(request.user, community):
        return redirect("community:community", slug=community.slug)
    return redirect("community:index")


@own_data
@require_http_methods(["GET", "POST"])
@login_required
def thread_create(request, slug):
    community = _community(request, slug)
    if not permissions.can_post(request.user, community):
        raise PermissionDenied
    initial = {}
    if request.GET.get("category"):
        category = community.categories.filter(slug=request.GET["category"]).first()
        initial["category"] = category
    if request.method == "POST":
        form = ThreadForm(request.POST, request.FILES, community=community)
        if form.is_valid():
            try:
                thread = services.thread_create(
                    author=request.user,
                    community=community,
                    title=form.cleaned_data["title"],
                    source=form.cleaned_data["source"],
                    category=form.cleaned_data.get("category"),
                    is_question=form.cleaned_data["is_question"],
                    attachments=form.cleaned_data["attachments"],
                    client_id=form.cleaned_data["client_id"],
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _error_text(error))
            else:
                thread.community = community
                return redirect(_thread_url(thread))
    else:
        form = ThreadForm(community=community, initial=initial)
    return render(request, "community/thread_form.html", {"community": community, "form": form})


@public_data
@require_http_methods(["GET", "POST"])
def thread_detail(request, slug, pk):
    thread = _thread_for_reader(request, slug, pk)
    first_unread = request.GET.get("from", "")
    if request.method == "GET" and not first_unread:
        # Kept for this session when nothing it shows has changed (decision 0304).
        kept = kept_pages.cached_response(request, thread)
        if kept is not None:
            return kept
    community = thread.community
    moderator = permissions.can_moderate(request.user, community)
    if request.method == "GET" and first_unread.isdigit():
        # "N new" in the thread list: go to the first post the reader has not seen.
        posts = thread.posts.filter(number__gte=int(first_unread)).order_by("number")
        if not moderator:
            posts = posts.filter(is_hidden=False)
        target = posts.first()
        if target is not None:
            page = selectors.page_of_post(post=target, can_moderate=moderator, user=request.user)
            return redirect(_thread_url(thread, page, f"post-{target.number}"))
        return redirect(_thread_url(thread))
    can_post = permissions.can_post(request.user, community) and (not thread.is_locked or moderator)
    form = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if not can_post:
            membership = permissions.membership_of(request.user, community)
            if membership and membership.is_silenced:
                messages.error(
                    request,
                    _("You may read but not post until %(until)s.")
                    % {"until": formats.date_format(membership.silenced_until, "DATETIME_FORMAT")},
                )
            else:
                messages.error(request, _("You cannot post in this community."))
            return redirect(_thread_url(thread))
        form = PostForm(request.POST, request.FILES)
        if form.is_valid():
            reply_to = None
            if form.cleaned_data.get("reply_to"):
                reply_to = thread.posts.filter(pk=form.cleaned_data["reply_to"]).first()
            try:
                post = services.post_create(
                    author=request.user,
                    thread=thread,
                    source=form.cleaned_data["source"],
                    reply_to=reply_to,
                    attachments=form.cleaned_data["attachments"],
                    client_id=form.cleaned_data["client_id"],
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _error_text(error))
            else:
                page = selectors.page_of_post(post=post, can_moderate=moderator, user=request.user)
                return redirect(_thread_url(thread, page, f"post-{post.number}"))
    page = selectors.thread_page(
        thread=thread,
        user=request.user,
        page_number=request.GET.get("page"),
        can_moderate=moderator,
    )
    posts = list(page.object_list)
    if form is None and can_post:
        initial = {}
        quoted_id = request.GET.get("quote", "")
        if quoted_id.isdigit():
            quoted = next((p for p in posts if p.pk == int(quoted_id)), None) or (
                thread.posts.filter(pk=int(quoted_id), is_hidden=False)
                .select_related("author")
                .first()
            )
            if quoted:
                initial["source"] = markup.quote(
                    author_name=str(quoted.author.public_name),
                    text=quoted.text,
                    post_number=quoted.number,
                )
                initial["reply_to"] = quoted.pk
        form = PostForm(initial=initial)
    previous_read = 0
    watching = False
    read_further = False
    if request.user.is_authenticated:
        previous_read = thread.reader_position or 0
        read_further = bool(posts) and (
            thread.reader_position is None or posts[-1].number > thread.reader_position
        )
        if posts:
            services.read_position_update(
                user=request.user,
                thread=thread,
                number=posts[-1].number,
                seen=thread.reader_position,
            )
        watching = thread.reader_watching
    # Labels translated once, not once per post and button.
    reaction_kinds = [(kind, str(label)) for kind, label in Reaction.Kind.choices]
    for post in posts:
        post.is_new = request.user.is_authenticated and post.number > previous_read
        post.can_edit = request.user.is_authenticated and (
            moderator or (post.author_id == request.user.pk and not thread.is_locked)
        )
        my_kinds = {r.kind for r in getattr(post, "my_reactions", [])}
        post.reactions_shown = [
            (kind, label, getattr(post, f"{kind}_count"), kind in my_kinds)
            for kind, label in reaction_kinds
        ]
        post.shared = fragments.post_fragment(post)
    if request.method == "GET" and request.user.is_authenticated and not read_further:
        # A page that moved the reader's position is keyed on the old one: not kept.
        kept_pages.mark_cacheable(
            request, thread, form_token=form.initial.get("client_id") if form else None
        )
    response = render(
        request,
        "community/thread.html",
        {
            "community": community,
            "thread": thread,
            "page": page,
            "posts": posts,
            "form": form,
            "can_post": can_post,
            "can_moderate": moderator,
            "can_accept": services.can_accept_answer(request.user, thread),
            "watching": watching,
        },
    )
    if request.user.is_authenticated:
        learner_page_cache.private(response)
    return learner_page_cache.keep(request, response)


@public_data
@require_GET
def post_redirect(request, pk):
    post = _post(request, pk)
    moderator = permissions.can_moderate(request.user, post.community)
    page = selectors.page_of_post(post=post, can_moderate=moderator, user=request.user)
    return redirect(_thread_url(post.thread, page, f"post-{post.number}"))


@own_or_others_data
@require_http_methods(["GET", "POST"])
@login_required
def post_edit(request, pk):
    post = _post(request, pk)
    if not services.can_edit_post(request.user, post):
        raise PermissionDenied
    require_second_factor_unless_own(request, post.author_id)
    if request.method == "POST":
        form = EditForm(request.POST, with_title=post.is_first)
        if form.is_valid():
            try:
                services.post_edit(
                    editor=request.user,
                    post=post,
                    source=form.cleaned_data["source"],
                    title=form.cleaned_data.get("title") if post.is_first else None,
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect("community:post", pk=post.pk)
    else:
        form = EditForm(
            initial={"source": post.source, "title": post.thread.title}, with_title=post.is_first
        )
    return render(
        request,
        "community/post_edit.html",
        {"post": post, "form": form, "community": post.community, "thread": post.thread},
    )


@public_data
@require_GET
def post_history(request, pk):
    post = _post(request, pk)
    revisions = post.revisions.select_related("edited_by")
    return render(
        request,
        "community/post_history.html",
        {
            "post": post,
            "revisions": revisions,
            "community": post.community,
            "thread": post.thread,
        },
    )


@own_data
@require_POST
@login_required
def post_react(request, pk):
    post = _post(request, pk)
    form = ReactionForm(request.POST)
    if form.is_valid():
        try:
            services.reaction_toggle(user=request.user, post=post, kind=form.cleaned_data["kind"])
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
    else:
        messages.error(request, _("Unknown reaction."))
    return _back(request, reverse("community:post", kwargs={"pk": post.pk}))


@own_data
@require_POST
@login_required
def post_accept(request, pk):
    post = _post(request, pk)
    try:
        thread = services.answer_accept(user=request.user, post=post)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        if thread.accepted_post_id:
            messages.success(request, _("Marked as the accepted answer."))
        else:
            messages.success(request, _("The answer is no longer marked as accepted."))
    return redirect("community:post", pk=post.pk)


@own_data
@require_http_methods(["GET", "POST"])
@login_required
def post_flag(request, pk):
    post = _post(request, pk)
    if request.method == "POST":
        form = FlagForm(request.POST)
        if form.is_valid():
            try:
                services.flag_create(
                    reporter=request.user,
                    post=post,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, _("Thank you. The moderators will look at this post."))
                return redirect("community:post", pk=post.pk)
    else:
        form = FlagForm()
    return render(
        request,
        "community/post_flag.html",
        {"post": post, "form": form, "community": post.community, "thread": post.thread},
    )


@others_data
@require_POST
@login_required
def post_moderate(request, pk, action):
    post = _post(request, pk)
    if not permissions.can_moderate(request.user, post.community):
        raise PermissionDenied
    if action == "hide":
        form = HideForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.post_hide(moderator=request.user, post=post, reason=reason)
        messages.success(request, _("The post is hidden."))
    else:
        services.post_show(moderator=request.user, post=post)
        messages.success(request, _("The post is visible again."))
    return _back(request, reverse("community:post", kwargs={"pk": post.pk}))


@others_data
@require_POST
@login_required
def thread_moderate(request, slug, pk):
    community = _community(request, slug)
    thread = _thread(request, community, pk)
    try:
        services.thread_moderate(
            moderator=request.user,
            thread=thread,
            action=request.POST.get("action", ""),
            reason=request.POST.get("reason", "")[:300],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Done."))
    return redirect(_thread_url(thread))


@others_data
@require_http_methods(["GET", "POST"])
@login_required
def thread_move(request, slug, pk):
    community = _community(request, slug)
    thread = _thread(request, community, pk)
    if not permissions.can_moderate(request.user, community):
        raise PermissionDenied
    targets = []
    for candidate in selectors.communities_visible_to(user=request.user).prefetch_related(
        "categories"
    ):
        if not permissions.can_moderate(request.user, candidate):
            continue
        targets.append((f"{candidate.pk}:", candidate.name))
        targets.extend(
            (f"{candidate.pk}:{c.pk}", f"{candidate.name} › {c.name}")
            for c in candidate.categories.all()
        )
    form = MoveForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        community_id, _sep, category_id = form.cleaned_data["target"].partition(":")
        target = Community.objects.get(pk=community_id)
        category = target.categories.filter(pk=category_id).first() if category_id else None
        try:
            services.thread_move(
                moderator=request.user, thread=thread, community=target, category=category
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The thread has moved."))
            return redirect(_thread_url(thread))
    return render(
        request,
        "community/thread_move.html",
        {"community": community, "thread": thread, "form": form},
    )


@own_data
@require_POST
@login_required
def thread_watch(request, slug, pk):
    community = _community(request, slug)
    thread = _thread(request, community, pk)
    watching = request.POST.get("watch") == "1"
    services.subscription_set(user=request.user, thread=thread, watching=watching)
    messages.success(
        request,
        _("You will be told about new replies.")
        if watching
        else _("You will no longer be told about new replies."),
    )
    return redirect(_thread_url(thread))


@own_data
@require_POST
@login_required
def category_watch(request, slug, category_slug):
    community = _community(request, slug)
    category = get_object_or_404(community.categories, slug=category_slug)
    watching = request.POST.get("watch") == "1"
    services.subscription_set(user=request.user, category=category, watching=watching)
    messages.success(
        request,
        _("You will be told about new threads in %(name)s.") % {"name": category.name}
        if watching
        else _("You will no longer be told about new threads in %(name)s.")
        % {"name": category.name},
    )
    return redirect(f"{reverse('community:community', args=[slug])}?category={category.slug}")


# --- moderation ----------------------------------------------------------------------------


def _moderated_community(request, slug):
    community = _community(request, slug)
    if not permissions.can_moderate(request.user, community):
        raise PermissionDenied
    return community


@others_data
@require_GET
@login_required
def moderation_queue(request, slug):
    community = _moderated_community(request, slug)
    return render(
        request,
        "community/moderation_queue.html",
        {
            "community": community,
            "posts": selectors.open_flags(community=community)[:100],
            "hide_form": HideForm(),
        },
    )


@others_data
@require_POST
@login_required
def flag_dismiss(request, pk):
    flag = get_object_or_404(Flag.objects.select_related("post__community", "post__thread"), pk=pk)
    community = flag.post.community
    if not permissions.can_moderate(request.user, community):
        raise Http404 if not permissions.can_view(request.user, community) else PermissionDenied
    services.flag_dismiss(moderator=request.user, flag=flag)
    messages.success(request, _("The reports are dismissed."))
    return redirect("community:moderation", slug=community.slug)


@others_data
@require_http_methods(["GET", "POST"])
@login_required
def members(request, slug):
    community = _moderated_community(request, slug)
    add_form = AddMemberForm(prefix="add")
    silence_form = SilenceForm(prefix="silence")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                add_form = AddMemberForm(request.POST, prefix="add")
                if add_form.is_valid():
                    user = User.objects.filter(username=add_form.cleaned_data["username"]).first()
                    if user is None:
                        add_form.add_error("username", _("Nobody has this username."))
                    else:
                        services.membership_grant(
                            community=community,
                            user=user,
                            role=add_form.cleaned_data["role"],
                            by=request.user,
                        )
                        messages.success(request, _("%(name)s is a member.") % {"name": user})
                        return redirect("community:members", slug=slug)
            elif action == "silence":
                silence_form = SilenceForm(request.POST, prefix="silence")
                if silence_form.is_valid():
                    user = User.objects.filter(
                        username=silence_form.cleaned_data["username"]
                    ).first()
                    if user is None:
                        silence_form.add_error("username", _("Nobody has this username."))
                    else:
                        days = int(silence_form.cleaned_data["days"])
                        services.member_silence(
                            community=community,
                            user=user,
                            by=request.user,
                            until=timezone.now() + dt.timedelta(days=days) if days else None,
                            reason=silence_form.cleaned_data["reason"],
                        )
                        messages.success(request, _("Saved."))
                        return redirect("community:members", slug=slug)
            elif action in ("approve", "remove", "trust"):
                user = get_object_or_404(User, pk=key_or_zero(request.POST.get("user")))
                if action == "approve":
                    services.membership_grant(community=community, user=user, by=request.user)
                elif action == "remove":
                    services.membership_remove(community=community, user=user, by=request.user)
                else:
                    services.member_trust(community=community, user=user, by=request.user)
                messages.success(request, _("Saved."))
                return redirect("community:members", slug=slug)
        except ValidationError as error:
            messages.error(request, _error_text(error))
    return render(
        request,
        "community/members.html",
        {
            "community": community,
            "memberships": selectors.members_of(community=community)[:500],
            "add_form": add_form,
            "silence_form": silence_form,
            "now": timezone.now(),
        },
    )


@others_data
@require_GET
@login_required
def audit(request, slug):
    community = _moderated_community(request, slug)
    from django.core.paginator import Paginator

    page = Paginator(selectors.audit_log(community=community), 50).get_page(request.GET.get("page"))
    return render(request, "community/audit.html", {"community": community, "page": page})


# --- search, notifications, settings -------------------------------------------------------


@public_data
@require_GET
def search(request):
    communities = list(selectors.communities_visible_to(user=request.user).order_by("name"))
    form = SearchForm(request.GET or None, communities=communities)
    results = None
    if form.is_valid():
        community = next((c for c in communities if c.slug == form.cleaned_data["community"]), None)
        results = selectors.search_posts(
            user=request.user,
            query=form.cleaned_data["q"],
            community=community,
            language=form.cleaned_data["language"] or None,
            page_number=request.GET.get("page"),
        )
    return render(request, "community/search.html", {"form": form, "results": results})


@own_data
@require_http_methods(["GET", "POST"])
@login_required
def notifications(request):
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("community:notifications")
    from django.core.paginator import Paginator

    page = Paginator(selectors.notifications_for(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "community/notifications.html", {"page": page})


@own_data
@require_GET
@login_required
def notification_open(request, pk):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    from .tasks import _link

    return redirect(_link(notification))


@own_data
@require_http_methods(["GET", "POST"])
@login_required
def preferences(request):
    profile = services.profile_for(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.profile_update(user=request.user, **data)
        messages.success(request, _("Your community settings are saved."))
        return redirect("community:preferences")
    watched = (
        Subscription.objects.filter(user=request.user)
        .select_related("thread__community", "category__community")
        .order_by("-created_at")[:100]
    )
    return render(request, "community/preferences.html", {"form": form, "watched": watched})


@public_data
@require_http_methods(["GET", "POST"])
@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058)
def unsubscribe(request, token):
    if request.method == "POST":
        try:
            user, thread = services.unsubscribe(token=token)
        except ValidationError as error:
            return render(
                request, "community/unsubscribe.html", {"error": _error_text(error)}, status=400
            )
        return render(
            request, "community/unsubscribe.html", {"done": True, "thread": thread, "person": user}
        )
    from django.core import signing

    try:
        signing.loads(token, salt=services.UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return render(
            request,
            "community/unsubscribe.html",
            {"error": _("This unsubscribe link is not valid.")},
            status=400,
        )
    return render(request, "community/unsubscribe.html", {"token": token})


# --- directory and messages ----------------------------------------------------------------


@public_data
@require_GET
def directory(request):
    countries = sorted(terms_in_language(model=Country).values(), key=lambda t: t.name)
    clusters = list(terms_in_language(model=Cluster).values())
    form = DirectoryFilterForm(request.GET or None, countries=countries, clusters=clusters)
    data = form.cleaned_data if form.is_valid() else {}
    from django.core.paginator import Paginator

    profiles = selectors.directory(
        user=request.user,
        country=data.get("country"),
        language=data.get("language"),
        expertise=data.get("expertise"),
        mentors_only=data.get("mentors", False),
    )
    page = Paginator(profiles, 24).get_page(request.GET.get("page"))
    return render(
        request,
        "community/directory.html",
        {
            "form": form,
            "page": page,
            "language_names": dict(selectors.settings.LANGUAGES),
            "cluster_names": {c.code: c.name for c in clusters},
        },
    )


@public_data
@require_GET
def person_by_username(request, username):
    """Where a mention (@username) links: the person's page, addressed by number."""
    person = get_object_or_404(User, username=username, is_active=True)
    return redirect("community:person", pk=person.pk)


@public_data
@require_http_methods(["GET", "POST"])
def person(request, pk):
    person = get_object_or_404(
        User.objects.select_related("country", "organisation"), pk=pk, is_active=True
    )
    profile = MemberProfile.objects.filter(user=person).first() or MemberProfile(user=person)
    listed = profile.listed_in_directory
    form = None
    if request.user.is_authenticated and request.user.pk != person.pk and listed:
        form = MessageForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.message_send(
                    sender=request.user,
                    recipient=person,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, _("Your message is sent to %(name)s.") % {"name": person})
                return redirect("community:person", pk=person.pk)
    elif request.method == "POST":
        raise PermissionDenied
    visible = selectors.communities_visible_to(user=request.user).values("pk")
    recent_posts = (
        Post.objects.filter(
            author=person, is_hidden=False, thread__is_hidden=False, community__in=visible
        )
        .select_related("thread", "community")
        .order_by("-created_at")[:10]
    )
    return render(
        request,
        "community/person.html",
        {
            "person": person,
            "profile": profile,
            "listed": listed,
            "form": form,
            "recent_posts": recent_posts,
            "language_names": dict(selectors.settings.LANGUAGES),
        },
    )


@own_data
@require_GET
@login_required
def inbox(request):
    from django.core.paginator import Paginator

    page = Paginator(selectors.inbox(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "community/inbox.html", {"page": page})


@own_data
@require_http_methods(["GET", "POST"])
@login_required
def message_detail(request, pk):
    message = get_object_or_404(DirectMessage.objects.select_related("sender", "recipient"), pk=pk)
    if request.user.pk not in (message.sender_id, message.recipient_id):
        raise Http404
    services.message_mark_read(user=request.user, message=message)
    other = message.sender if message.recipient_id == request.user.pk else message.recipient
    subject = message.subject if message.subject.startswith("Re: ") else f"Re: {message.subject}"
    form = MessageForm(request.POST or None, initial={"subject": subject[:150]})
    if request.method == "POST" and form.is_valid():
        try:
            reply = services.message_send(
                sender=request.user,
                recipient=other,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Your reply is sent."))
            return redirect("community:message", pk=reply.pk)
    return render(
        request, "community/message.html", {"message": message, "other": other, "form": form}
    )


# --- files ---------------------------------------------------------------------------------


@public_data
@require_GET
def attachment(request, token, name):
    item = get_object_or_404(
        Attachment.objects.select_related("post__community", "post__thread"), token=token
    )
    post = item.post
    if not permissions.can_view(request.user, post.community):
        raise Http404
    if (post.is_hidden or post.thread.is_hidden) and not (
        permissions.can_moderate(request.user, post.community) or post.author_id == request.user.pk
    ):
        raise Http404
    response = private_file_response(
        item.file,
        content_type=item.content_type,
        as_attachment=not item.is_image,
        filename=item.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = (
        "private, max-age=3600" if post.community.is_private else "public, max-age=86400"
    )
    return response


def unread_badge(user) -> int:
    return selectors.unread_notification_count(user=user)


__all__ = ["Exists", "OuterRef"]
