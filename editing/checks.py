"""
Content checks of an article as it stands in the editor's form: accessibility (alt text, heading order, empty
links), links to articles readers cannot see, references that link to a DOI or PubMed without the identifier,
search engine lengths and readability (Flesch reading ease, English).

Each check is a function of the form's values (the body's HTML parsed once with lxml); ``run_checks`` runs them
all for the panel beside the editor. ``blocking_problems`` is the part that refuses a save for review or
publication (images without alt text, as for the hero image).
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from lxml import etree, html

BLOCKING, WARNING, GOOD, INFO = "blocking", "warning", "good", "info"

SEO_TITLE_MAX = 60  # what search results show of a title before they cut it
SEO_TITLE_MIN = 20
SEO_DESCRIPTION_MIN = 70
SEO_DESCRIPTION_MAX = 160
READABILITY_MIN_WORDS = 30
READABILITY_TARGET = 50  # below: "difficult" (college level) for a patient audience
BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "figcaption", "dt", "dd", "pre", "caption"}
DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
DOI_IN_URL = re.compile(r"^/(10\.\d{4,9}/\S+)$")
PUBMED_IN_URL = re.compile(r"^(?:/pubmed)?/(\d{1,10})/?$")
PUBMED_HOSTS = {"pubmed.ncbi.nlm.nih.gov", "www.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov"}
WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
SENTENCE_END_RE = re.compile(r"[.!?;:]+(?=\s|$)")


@dataclass(frozen=True)
class Finding:
    code: str
    level: str
    message: str
    items: tuple = ()


@dataclass(frozen=True)
class ReferenceValues:
    position: int
    url: str
    doi: str = ""
    pmid: str = ""


def parse_body(body):
    """The body's HTML as an lxml element (a <div> around it); an empty one for an empty body."""
    if not body or not body.strip():
        return html.Element("div")
    try:
        return html.fragment_fromstring(body, create_parent="div")
    except (etree.ParserError, ValueError):
        return html.Element("div")


def _text(element):
    return " ".join(element.text_content().split())


def images_without_alt(root):
    """The addresses of the body's images that have no alt text (missing, empty or only spaces)."""
    return [img.get("src") or "(no address)" for img in root.iter("img") if not (img.get("alt") or "").strip()]


def heading_problems(root):
    """What is wrong with the order of the body's headings: an <h1> (the title is the page's only one), a
    heading before any <h2> that is lower than it, a level skipped on the way down (<h2> then <h4>)."""
    problems, previous = [], 1
    for element in root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        level, text = int(element.tag[1]), _text(element) or "(empty heading)"
        if level == 1:
            problems.append(f"“{text}” is a Heading 1: the title is the page's only one; use Heading 2 for sections.")
            continue
        if previous == 1 and level > 2:
            problems.append(f"“{text}” is a Heading {level} before any Heading 2: start sections with Heading 2.")
        elif level > previous + 1:
            problems.append(f"“{text}” is a Heading {level} right after a Heading {previous}: a level is skipped.")
        previous = level
    return problems


def empty_links(root):
    """Links that readers cannot follow or that say nothing: no address, or no text (nor an image's alt)."""
    problems = []
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        label = _text(link) or " ".join((img.get("alt") or "").strip() for img in link.iter("img")).strip()
        if not href or href == "#":
            problems.append(f"The link “{label or '(no text)'}” leads nowhere: give it an address or remove it.")
        elif not label:
            problems.append(f"A link to {href} has no text: readers (and screen readers) cannot tell where it leads.")
    return problems


def internal_article_slugs(root, site_hosts=None):
    """{slug: address} of the body's links to articles of this site (relative, or to one of its hosts)."""
    hosts = site_hosts if site_hosts is not None else own_hosts()
    found = {}
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        parts = urlsplit(href)
        if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc.lower() not in hosts):
            continue
        if not parts.path.startswith("/"):
            continue
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        if match.view_name == "articles:detail":
            found.setdefault(match.kwargs["slug"], href)
    return found


def own_hosts():
    hosts = {urlsplit(settings.SITE_URL).netloc.lower()}
    hosts.update(host.lower() for host in settings.ALLOWED_HOSTS if host and not host.startswith("."))
    return hosts - {"*", ""}


def unpublished_links(linked, visible_slugs):
    """The addresses of ``linked`` ({slug: address}) whose slug readers cannot see (not in ``visible_slugs``)."""
    return [address for slug, address in linked.items() if slug not in visible_slugs]


def reference_problems(references):
    """References whose URL is a doi.org or PubMed address while their DOI or PMID field is empty."""
    problems = []
    for reference in references:
        parts = urlsplit(reference.url or "")
        host = parts.netloc.lower()
        if host in DOI_HOSTS and not reference.doi:
            doi = DOI_IN_URL.match(parts.path)
            suggestion = f" ({doi.group(1)})" if doi else ""
            problems.append(f"Reference {reference.position} links to doi.org: fill in its DOI{suggestion}.")
        elif host in PUBMED_HOSTS and not reference.pmid:
            pmid = PUBMED_IN_URL.match(parts.path)
            suggestion = f" ({pmid.group(1)})" if pmid else ""
            problems.append(f"Reference {reference.position} links to PubMed: fill in its PMID{suggestion}.")
    return problems


def seo_findings(*, title, seo_title, standfirst, seo_description):
    findings = []
    shown_title = (seo_title or title or "").strip()
    source = "SEO title" if seo_title else "title (no SEO title)"
    if len(shown_title) > SEO_TITLE_MAX:
        findings.append(Finding("seo_title", WARNING, f"The {source} has {len(shown_title)} characters: search results cut it after about {SEO_TITLE_MAX}."))
    elif len(shown_title) < SEO_TITLE_MIN:
        findings.append(Finding("seo_title", WARNING, f"The {source} has {len(shown_title)} characters: at least {SEO_TITLE_MIN} tell searchers what the article is."))
    else:
        findings.append(Finding("seo_title", GOOD, f"The {source} has {len(shown_title)} characters."))
    if seo_description:
        length, source = len(seo_description.strip()), "SEO description"
    else:
        length, source = min(len((standfirst or "").strip()), SEO_DESCRIPTION_MAX), "standfirst, used as the description"
        if len((standfirst or "").strip()) > SEO_DESCRIPTION_MAX:
            findings.append(Finding("seo_description", WARNING, f"The standfirst is cut after {SEO_DESCRIPTION_MAX} characters for search engines: write an SEO description."))
            return findings
    if length < SEO_DESCRIPTION_MIN:
        findings.append(Finding("seo_description", WARNING, f"The {source} has {length} characters: {SEO_DESCRIPTION_MIN} to {SEO_DESCRIPTION_MAX} make a useful search snippet."))
    elif length > SEO_DESCRIPTION_MAX:
        findings.append(Finding("seo_description", WARNING, f"The {source} has {length} characters: search results show about {SEO_DESCRIPTION_MAX}."))
    else:
        findings.append(Finding("seo_description", GOOD, f"The {source} has {length} characters."))
    return findings


def syllables(word):
    """English syllables of a word, estimated from its vowel groups (the usual heuristic of readability tools)."""
    word = word.lower().replace("’", "'").split("'")[0]
    word = re.sub(r"[^a-z]", "", word)
    if not word:
        return 0
    if len(word) <= 3:
        return 1
    # A silent final "e", "es" or "ed" (but "-ted", "-ded", "-ses", "-ches"… are said).
    word = re.sub(r"(?:[^laeiouysxzcgh]es|[^laeiouytd]ed|[^laeiouy]e)$", lambda m: m.group(0)[0], word)
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]+", word)))


def text_blocks(root):
    """The text of each block (paragraph, list item, heading…): a block ends a sentence even without a full stop."""
    blocks = [_text(element) for element in root.iter(*BLOCK_TAGS) if not any(True for _ in element.iterdescendants(*BLOCK_TAGS))]
    if not blocks and _text(root):
        blocks = [_text(root)]
    return [block for block in blocks if block]


def flesch_reading_ease(blocks):
    """(score, words, sentences) of the text blocks; the score is None without words."""
    words = sentences = syllable_count = 0
    for block in blocks:
        for sentence in SENTENCE_END_RE.split(block):
            sentence_words = WORD_RE.findall(sentence)
            if sentence_words:
                sentences += 1
                words += len(sentence_words)
                syllable_count += sum(syllables(word) for word in sentence_words)
    if not words:
        return None, 0, 0
    score = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllable_count / words)
    return round(score, 1), words, sentences


def readability_finding(root):
    score, words, sentences = flesch_reading_ease(text_blocks(root))
    if words < READABILITY_MIN_WORDS:
        return Finding("readability", INFO, f"Readability: too little text to score ({words} words).")
    band = (
        "very easy" if score >= 90 else "easy" if score >= 70 else "plain English" if score >= 60
        else "fairly difficult" if score >= 50 else "difficult" if score >= 30 else "very difficult"
    )  # fmt: skip
    level = GOOD if score >= READABILITY_TARGET else WARNING
    advice = "" if level == GOOD else " Shorter sentences and everyday words help patients."
    return Finding(
        "readability", level,
        f"Flesch reading ease {score:g} ({band}): {words} words in {sentences} sentences, "
        f"{words / sentences:.1f} words a sentence.{advice}",
    )  # fmt: skip


def blocking_problems(body):
    """What refuses a save for review or publication: the body's images without alt text."""
    missing = images_without_alt(parse_body(body))
    if not missing:
        return []
    return [
        f"{len(missing)} image(s) in the body have no alt text: describe each for readers who cannot see it "
        "(double-click the image in the editor, “Alternative Text”)."
    ]


def run_checks(*, title="", body="", standfirst="", seo_title="", seo_description="", references=(), visible_slugs=None):
    """
    Every finding for the form's values. ``visible_slugs(slugs)`` answers which of the linked article slugs
    readers can see (``visible_article_slugs``: Article.objects.published()).
    """
    root = parse_body(body)
    findings = []
    missing_alt = images_without_alt(root)
    if missing_alt:
        findings.append(Finding("alt_text", BLOCKING, blocking_problems(body)[0], tuple(missing_alt)))
    else:
        findings.append(Finding("alt_text", GOOD, "Every image in the body has alt text."))
    headings = heading_problems(root)
    findings.append(
        Finding("headings", WARNING, "Heading order:", tuple(headings)) if headings else Finding("headings", GOOD, "Headings are in order.")
    )
    empty = empty_links(root)
    findings.append(Finding("empty_links", WARNING, "Links:", tuple(empty)) if empty else Finding("empty_links", GOOD, "No empty links."))
    linked = internal_article_slugs(root)
    if linked and visible_slugs is not None:
        hidden = unpublished_links(linked, visible_slugs(set(linked)))
        if hidden:
            findings.append(
                Finding("unpublished_links", WARNING, "These links lead to articles readers cannot see (draft, scheduled or missing):", tuple(hidden))
            )
        else:
            findings.append(Finding("unpublished_links", GOOD, "Every link to another article leads to a published one."))
    refs = reference_problems(references)
    if refs:
        findings.append(Finding("references", WARNING, "References:", tuple(refs)))
    findings.extend(seo_findings(title=title, seo_title=seo_title, standfirst=standfirst, seo_description=seo_description))
    findings.append(readability_finding(root))
    return findings


def visible_article_slugs(slugs):
    """The slugs among ``slugs`` that readers can see: a published article's, or an old one that redirects to it."""
    from articles.models import Article, SlugRedirect

    published = Article.objects.published()
    visible = set(published.filter(slug__in=slugs).values_list("slug", flat=True))
    visible.update(
        SlugRedirect.objects.filter(old_slug__in=set(slugs) - visible, article__in=published).values_list("old_slug", flat=True)
    )
    return visible
