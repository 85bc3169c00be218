"""
Text of the articles made by `manage.py generate_demo_articles`: titles, standfirsts and bodies built
from word lists and sentence templates, so that benchmarks run against pages and search terms that look
like the magazine's own.

Bodies come out in the form ``Article.save()`` would store them (sanitised, each ``<h2>`` with its
unique id), because ``bulk_create`` does not call ``save()``. Text uses no character the sanitiser
would rewrite (``&``, ``<``, non-breaking spaces).
"""

from functools import lru_cache

from django.utils.text import slugify

# name, plural-free noun phrase used in sentences, category slug, tag slugs, specific terms
TOPICS = [
    ("Stem cell therapy", "stem cell therapy", "regenerative-medicine", ["stem-cells", "clinic-safety"],
     ["mesenchymal cells", "bone marrow", "cell culture", "infusion", "clinical trial", "regulatory approval"]),
    ("Stem cell treatment for stroke", "stem cell treatment after a stroke", "regenerative-medicine",
     ["stem-cells", "stroke"], ["neurological recovery", "rehabilitation", "motor function", "trial phase"]),
    ("Platelet-rich plasma injections", "platelet-rich plasma injection", "regenerative-medicine",
     ["osteoarthritis"], ["tendon", "cartilage", "growth factors", "ultrasound guidance"]),
    ("Knee replacement", "knee replacement", "orthopaedics", ["joint-replacement", "osteoarthritis"],
     ["implant", "cartilage", "physiotherapy", "range of movement", "blood clots"]),
    ("Hip replacement", "hip replacement", "orthopaedics", ["joint-replacement", "recovery"],
     ["prosthesis", "dislocation", "walking frame", "physiotherapy", "anaesthetic"]),
    ("Spinal fusion", "spinal fusion", "orthopaedics", ["recovery"],
     ["vertebrae", "nerve pain", "bone graft", "MRI scan", "back brace"]),
    ("Shoulder arthroscopy", "shoulder arthroscopy", "orthopaedics", ["recovery"],
     ["rotator cuff", "keyhole surgery", "sling", "physiotherapy"]),
    ("Heart bypass surgery", "heart bypass surgery", "cardiology", ["heart-surgery", "recovery"],
     ["coronary arteries", "graft", "intensive care", "cardiac rehabilitation", "angiogram"]),
    ("Heart valve replacement", "heart valve replacement", "cardiology", ["heart-surgery"],
     ["aortic valve", "catheter", "echocardiogram", "blood thinners"]),
    ("Coronary angioplasty", "coronary angioplasty", "cardiology", ["heart-surgery", "costs"],
     ["stent", "catheter", "chest pain", "cardiologist"]),
    ("Dental implants", "dental implant treatment", "dental-care", ["dental-implants", "costs"],
     ["titanium screw", "crown", "jawbone", "bone graft", "cone beam scan"]),
    ("Porcelain veneers", "veneer treatment", "dental-care", ["costs"],
     ["enamel", "veneers", "bite", "dental hygienist"]),
    ("Full-arch dental restoration", "full-arch restoration", "dental-care", ["dental-implants"],
     ["bridge", "implants", "temporary teeth", "healing time"]),
    ("IVF treatment", "IVF treatment", "patient-guides", ["costs", "clinic-safety"],
     ["embryo", "egg collection", "success rates", "hormone injections"]),
    ("Cataract surgery", "cataract surgery", "patient-guides", ["costs", "recovery"],
     ["lens", "eye drops", "vision", "ophthalmologist"]),
    ("Bariatric surgery", "weight-loss surgery", "patient-guides", ["recovery", "travel-health"],
     ["gastric sleeve", "diet plan", "nutritionist", "follow-up"]),
    ("Choosing an accredited clinic", "choosing a clinic", "patient-guides", ["accreditation", "clinic-safety"],
     ["accreditation", "inspection report", "surgeon", "complaints procedure"]),
    ("Travelling after surgery", "travelling after an operation", "patient-guides", ["travel-health", "recovery"],
     ["flight", "compression stockings", "deep vein thrombosis", "travel insurance"]),
    ("Medical records abroad", "handling medical records", "patient-guides", ["medical-records"],
     ["discharge summary", "translation", "scan images", "family doctor"]),
]  # fmt: skip

DESTINATIONS = [
    "Turkey", "Mexico", "Thailand", "India", "Poland", "Spain", "Germany", "South Korea", "Costa Rica",
    "Hungary", "the Czech Republic", "Malaysia", "Colombia", "Portugal", "Lithuania", "Greece", "Croatia",
]  # fmt: skip

TITLES = [
    "{Topic} in {dest}: costs, risks and recovery",
    "{Topic} abroad: what a quote should include",
    "What to ask before {topic} in {dest}",
    "A patient's guide to {topic} in {dest}",
    "{Topic}: {n} questions to ask a clinic",
    "The real cost of {topic} in {dest}",
    "How {dest} became a destination for {topic}",
    "{Topic} abroad: planning the trip and the recovery",
    "Is {topic} in {dest} worth it?",
    "{Topic}: what the evidence says in {year}",
    "Comparing clinics for {topic} in {dest}",
    "Recovering from {topic} far from home",
]

STANDFIRSTS = [
    "Patients travel to {dest} for {topic} because prices are lower and waiting lists shorter. Here is what "
    "the price covers, what it leaves out and how to plan a safe recovery.",
    "Clinics in {dest} advertise {topic} at a fraction of the price at home. We looked at what patients "
    "should check before they book, and at the questions that separate a careful clinic from a salesman.",
    "{Topic} is one of the most common reasons to travel for treatment. This guide explains the procedure, "
    "the evidence, the costs and the follow-up you will need once you are home.",
    "Before you compare quotes for {topic}, know what a complete treatment plan looks like. Our reviewer "
    "explains the tests, the hospital stay and the aftercare a fair price should include.",
    "What happens before, during and after {topic}, how long to stay in {dest} and what to arrange with "
    "your own doctor before you leave.",
]

HEADINGS = [
    "Who is a candidate for {topic}",
    "What the evidence says",
    "Costs in {dest} compared with home",
    "Choosing a clinic",
    "Accreditation and the surgeon's experience",
    "Planning the trip",
    "Recovery and aftercare",
    "Risks and complications",
    "What a quote should include",
    "Questions to ask before you book",
    "Follow-up with your own doctor",
    "Insurance and legal protection",
    "Medical records and translations",
    "How long to stay in {dest}",
    "When to say no",
    "Our verdict",
]

SENTENCES = [
    "Most clinics in {dest} that offer {topic} ask for recent test results before they send a firm price.",
    "A quote that does not mention the {term} should be read with care.",
    "Patients we spoke to said the hardest part was not the operation but the weeks of {term2} that followed.",
    "Prices for {topic} in {dest} start at around US${price},000, against two or three times that at home.",
    "The cheapest offer is rarely the one that includes follow-up, medicines and a second consultation.",
    "Ask the clinic how many times a year its team performs {topic}, and what its complication rate is.",
    "An accredited hospital publishes its inspection reports and has a complaints procedure in writing.",
    "Plan to stay in {dest} for at least {n} days after the procedure, longer if the surgeon advises it.",
    "Your own doctor should see the discharge summary, the list of medicines and any scans before you travel home.",
    "Travel insurance rarely covers planned treatment abroad, so check what your policy says about complications.",
    "Research on {term} is moving quickly, but much of it is still at an early stage.",
    "Several systematic reviews have found that the benefit of {topic} depends on careful selection of patients.",
    "A surgeon who promises results without seeing your scans is selling, not advising.",
    "Keep copies of every report, in English and in the language of the hospital, in one folder.",
    "The {term} is usually discussed at the first video consultation, which many clinics offer free of charge.",
    "Recovery from {topic} takes {weeks} weeks for most people, and physiotherapy starts within days.",
    "Flying soon after surgery raises the risk of blood clots, so ask when it is safe to fly home.",
    "Bring a companion if you can: the first days after {topic} are easier with someone to help.",
    "The price should list the hospital stay, the {term}, the anaesthetic and the medicines to take home.",
    "If something goes wrong after you are home, you need to know who pays for further treatment.",
    "Patients' reviews help, but they are no substitute for the clinic's own outcome figures.",
    "The regulator in {dest} keeps a public register of licensed hospitals and specialists.",
    "Ask whether the {term} is included, or whether it appears later as an extra on the final bill.",
    "A good clinic will tell you when {topic} is not the right treatment for you.",
    "Written consent should explain the risks in a language you read fluently.",
    "Many patients combine the trip with a holiday, but the recovery plan should come first.",
    "Check that the surgeon is registered with the professional body in {dest} and speaks your language "
    "or provides an interpreter.",
    "Complications after {topic} are uncommon, but infection and bleeding are the ones to watch for.",
    "Your family doctor can arrange the tests before the trip, which saves days in {dest}.",
    "The waiting list at home is often the reason patients look abroad in the first place.",
    "Medical reviewers on our team checked the figures in this article against published studies.",
    "A follow-up appointment {n} weeks after {topic} is standard, and it can often be done by video call.",
    "Exchange rates change, so ask for the price in writing and in a currency you understand.",
    "Clinics that advertise {term} for every condition deserve extra scrutiny.",
    "Rest, short walks and the exercises from the physiotherapist make the biggest difference to recovery.",
    "Ask to see a sample of the paperwork you will receive: reports, invoices and the discharge letter.",
]

LIST_ITEMS = [
    "the surgeon's name and registration number",
    "the hospital stay and the type of room",
    "the {term} and the materials used",
    "tests before the procedure",
    "medicines to take home",
    "follow-up appointments and who provides them",
    "transfers between the airport, hotel and hospital",
    "an interpreter for consultations",
    "what happens if a second procedure is needed",
    "the cancellation terms and refund policy",
]

QUOTES = [
    "The operation itself went well; what I had not planned for was the time it took to walk without help.",
    "Ask for everything in writing. The second clinic I contacted sent a detailed plan within a week.",
    "My own doctor was sceptical at first, but the reports from the hospital in {dest} answered his questions.",
    "We chose the clinic that told us what could go wrong, not the one with the best photographs.",
]

REFERENCES = [
    "World Health Organization. Patient safety: global action on patient safety. Geneva, {year}.",
    "International Society for Quality in Health Care. Guidelines and principles for the development of "
    "health care standards. {year}.",
    "National Institute for Health and Care Excellence. Clinical guideline on {topic}. {year}.",
    "Cochrane Database of Systematic Reviews. Interventions for {topic}: a systematic review. {year}.",
    "Organisation for Economic Co-operation and Development. Health at a Glance. Paris, {year}.",
]


class ArticleText:
    """Titles, standfirsts and bodies drawn from the lists above with a ``random.Random``."""

    def __init__(self, rng, *, min_words=600, max_words=850):
        self.rng = rng
        self.min_words = min_words
        self.max_words = max_words

    def pick(self, items):
        # random.choice is several times slower, and a hundred thousand articles make millions of picks.
        return items[int(self.rng.random() * len(items))]

    def article(self, topic_index=None):
        rng = self.rng
        topic = TOPICS[rng.randrange(len(TOPICS)) if topic_index is None else topic_index]
        name, phrase, category, tags, terms = topic
        values = {
            "Topic": name,
            "topic": phrase,
            "dest": self.pick(DESTINATIONS),
            "year": rng.randint(2021, 2026),
            "n": rng.randint(3, 12),
        }
        title = self.pick(TITLES).format(**values)
        title = title[0].upper() + title[1:]
        return {
            "title": title,
            "standfirst": self.pick(STANDFIRSTS).format(**values),
            "body": self.body(values, terms),
            "category": category,
            "tags": tags,
            "references": [self.pick(REFERENCES).format(**values) for _ in range(rng.randint(1, 4))],
        }

    def body(self, values, terms):
        rng = self.rng
        target = rng.randint(self.min_words, self.max_words)
        headings = rng.sample(HEADINGS, len(HEADINGS))
        parts, words = [], 0
        while words < target:
            if parts and headings:
                heading = headings.pop().format(**values)
                parts.append(f'<h2 id="{heading_id(heading)}">{heading}</h2>')
            for _ in range(1 + int(rng.random() * 3)):
                block, count = self.paragraph(values, terms)
                parts.append(block)
                words += count
                if words >= target:
                    break
            extra = rng.random()
            if extra < 0.2:
                items = rng.sample(LIST_ITEMS, 3 + int(rng.random() * 3))
                term = self.pick(terms)
                parts.append("<ul>\n" + "\n".join(f"<li>{item.format(term=term)}</li>" for item in items) + "\n</ul>")
                words += 5 * len(items)
            elif extra < 0.3:
                parts.append(f"<blockquote><p>{self.pick(QUOTES).format(**values)}</p></blockquote>")
                words += 20
        return "\n\n".join(parts)

    def paragraph(self, values, terms):
        """A paragraph of three to five different sentences, and its number of words."""
        random = self.rng.random
        fill = {
            "term": terms[int(random() * len(terms))],
            "term2": terms[int(random() * len(terms))],
            "price": PRICES[int(random() * len(PRICES))],
            "weeks": WEEKS[int(random() * len(WEEKS))],
            **values,
        }
        count = len(SENTENCES)
        chosen = {int(random() * count) for _ in range(3 + int(random() * 3))}
        text = " ".join([SENTENCES[i].format_map(fill) for i in chosen])
        if random() < 0.1:
            text += ' <a href="/quote/" rel="noopener noreferrer">Ask us for a free quote</a>.'
        return f"<p>{text}</p>", text.count(" ") + 1


@lru_cache(maxsize=None)
def heading_id(heading):
    # What articles.sanitize.add_heading_anchors gives a heading that appears once in the body.
    return slugify(heading)[:60]


PRICES = [str(n) for n in range(3, 41)]
WEEKS = [str(n) for n in range(2, 13)]
