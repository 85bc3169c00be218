"""
Demo content for `manage.py load_demo_content`: original articles written for this project.

Article bodies are HTML files in `bodies/`, named after the article's slug. Publication times
are given as days relative to the moment of loading, so that the demo always looks current.
"""

from pathlib import Path

BODIES_DIR = Path(__file__).resolve().parent / "bodies"

ILLUSTRATION_CREDIT = "Illustration: Medical Tourism Magazine"

# Each category has its own two-colour palette for the generated hero images.
CATEGORIES = [
    {
        "name": "Regenerative medicine",
        "slug": "regenerative-medicine",
        "description": "Stem cells and other cell-based therapies: what research has shown, what is still experimental "
        "and how to judge a clinic's claims.",
        "position": 1,
        "palette": ("#0f766e", "#1e3a8a"),
    },
    {
        "name": "Cardiology",
        "slug": "cardiology",
        "description": "Heart surgery and cardiac procedures abroad, from the first diagnosis to rehabilitation "
        "at home.",
        "position": 2,
        "palette": ("#b91c1c", "#4c1d95"),
    },
    {
        "name": "Orthopaedics",
        "slug": "orthopaedics",
        "description": "Joint replacements and bone and joint surgery: costs, recovery and the questions to ask "
        "a surgeon.",
        "position": 3,
        "palette": ("#334155", "#d97706"),
    },
    {
        "name": "Dental care",
        "slug": "dental-care",
        "description": "Implants, crowns and other dental treatment abroad, and how to compare quotes fairly.",
        "position": 4,
        "palette": ("#0e7490", "#a7f3d0"),
    },
    {
        "name": "Patient guides",
        "slug": "patient-guides",
        "description": "Practical guides for planning treatment abroad safely: choosing a provider, travel and "
        "aftercare.",
        "position": 5,
        "is_medical": False,
        "palette": ("#3730a3", "#f472b6"),
    },
]

PALETTES = {category["slug"]: category["palette"] for category in CATEGORIES}

TAGS = {
    "stem-cells": "Stem cells",
    "stroke": "Stroke",
    "clinic-safety": "Clinic safety",
    "joint-replacement": "Joint replacement",
    "costs": "Costs",
    "recovery": "Recovery",
    "dental-implants": "Dental implants",
    "heart-surgery": "Heart surgery",
    "travel-health": "Travel health",
    "accreditation": "Accreditation",
    "osteoarthritis": "Osteoarthritis",
    "medical-records": "Medical records",
}

# Fictional people. The reviewer is the only one with clinical credentials.
AUTHORS = [
    {
        "name": "Clara Whitfield",
        "slug": "clara-whitfield",
        "credentials": "Health journalist",
        "role": "Senior health writer",
        "bio": "Clara has reported on health systems and patients' rights for more than twelve years, first for a "
        "regional daily and then as a freelance writer. She covers the costs, logistics and aftercare of "
        "treatment abroad.",
        "colour": "#9a3412",
    },
    {
        "name": "Tomás Reyes",
        "slug": "tomas-reyes",
        "credentials": "MSc, science writer",
        "role": "Research and evidence writer",
        "bio": "Tomás holds a master's degree in science communication and writes about clinical research, "
        "regenerative medicine and how to read the evidence behind new treatments.",
        "colour": "#115e59",
    },
    {
        "name": "Miriam Castell",
        "slug": "miriam-castell",
        "credentials": "MD, consultant in internal medicine",
        "role": "Medical reviewer",
        "bio": "Dr Castell is a hospital physician with fifteen years' experience in acute and general medicine. "
        "She reviews our medical articles for accuracy, balance and safety.",
        "colour": "#1e40af",
    },
]

REVIEWER = "miriam-castell"

# "days_ago": publication time relative to loading; a negative value schedules the article.
# "motif": the shapes drawn on the hero image, which its alt text describes.
ARTICLES = [
    {
        "slug": "stem-cell-therapy-after-stroke",
        "title": "Stem cell therapy after stroke: what the evidence says and how to judge a clinic",
        "standfirst": "Clinics abroad advertise stem cell infusions to people living with the after-effects of a "
        "stroke. The research is real and worth following, but it is still experimental. Here is what trials "
        "have and have not shown, and the questions that separate a genuine study from a sales pitch.",
        "category": "regenerative-medicine",
        "tags": ["stem-cells", "stroke", "clinic-safety"],
        "authors": ["tomas-reyes"],
        "reviewed": True,
        "status": "published",
        "days_ago": 3,
        "featured": True,
        "motif": "circles",
        "hero_alt": "Abstract illustration: translucent teal circles of different sizes, like cells under a "
        "microscope, floating over a gradient from teal to deep blue.",
        "hero_caption": "Cell therapies for stroke are being tested in trials but are not yet an established "
        "treatment.",
        "references": [
            {
                "citation": "Boncoraglio GB, Ranieri M, Bersano A, Parati EA, Del Giovane C. Stem cell transplantation "
                "for ischemic stroke. Cochrane Database of Systematic Reviews 2019.",
                "url": "https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD007231.pub3/full",
                "doi": "10.1002/14651858.CD007231.pub3",
            },
            {
                "citation": "US Food and Drug Administration. Important patient and consumer information about "
                "regenerative medicine therapies. 2021.",
                "url": "https://www.fda.gov/vaccines-blood-biologics/consumers-biologics/"
                "important-patient-and-consumer-information-about-regenerative-medicine-therapies",
            },
            {
                "citation": "International Society for Stem Cell Research. ISSCR Guidelines for Stem Cell Research "
                "and Clinical Translation. 2021.",
                "url": "https://www.isscr.org/guidelines",
            },
        ],
    },
    {
        "slug": "knee-replacement-abroad-costs-and-recovery",
        "title": "Knee replacement abroad: costs, recovery and the questions to ask",
        "standfirst": "A new knee can transform life with severe arthritis, and the price abroad can be a fraction "
        "of private fees at home. But the quote is only part of the cost. Here is what to budget for, what "
        "recovery involves and how to plan the weeks after surgery.",
        "category": "orthopaedics",
        "tags": ["joint-replacement", "costs", "recovery"],
        "authors": ["clara-whitfield"],
        "reviewed": True,
        "status": "published",
        "days_ago": 8,
        "featured": False,
        "motif": "bands",
        "hero_alt": "Abstract illustration: broad diagonal bands of light crossing a gradient from slate grey to "
        "warm amber.",
        "hero_caption": "Much of the recovery after a knee replacement happens in the weeks after the flight home.",
        "references": [
            {
                "citation": "National Institute for Health and Care Excellence. Joint replacement (primary): hip, "
                "knee and shoulder. NICE guideline NG157. 2020.",
                "url": "https://www.nice.org.uk/guidance/ng157",
            },
            {
                "citation": "Centers for Disease Control and Prevention. Medical tourism. CDC Yellow Book 2024: "
                "Health Information for International Travel.",
                "url": "https://wwwnc.cdc.gov/travel/yellowbook/2024/health-care-abroad/medical-tourism",
            },
        ],
    },
    {
        "slug": "dental-implants-abroad-what-a-quote-should-include",
        "title": "Dental implants abroad: what a quote should include",
        "standfirst": "Dental implants are among the most popular treatments people travel for, and quotes can look "
        "strikingly cheap. A good quote explains the whole plan, not just a price per tooth. This is what to "
        "look for before you book a flight.",
        "category": "dental-care",
        "tags": ["dental-implants", "costs"],
        "authors": ["clara-whitfield"],
        "reviewed": True,
        "status": "published",
        "days_ago": 12,
        "featured": False,
        "motif": "rings",
        "hero_alt": "Abstract illustration: soft concentric rings spreading out over a gradient from deep "
        "turquoise to pale mint green.",
        "hero_caption": "An itemised quote makes treatment plans from different clinics comparable.",
        "references": [
            {
                "citation": "Oral Health Foundation. Dental tourism explained.",
                "url": "https://www.dentalhealth.org/dental-tourism-explained",
            },
            {
                "citation": "Centers for Disease Control and Prevention. Medical tourism: travel to another country "
                "for medical care.",
                "url": "https://wwwnc.cdc.gov/travel/page/medical-tourism",
            },
        ],
    },
    {
        "slug": "heart-bypass-surgery-abroad",
        "title": "Heart bypass surgery abroad: what to know before you consider it",
        "standfirst": "Coronary artery bypass grafting is major surgery, usually planned by a team that knows your "
        "heart well. Travelling for it is possible, but the decision, the preparation and the recovery all carry "
        "more weight than for most procedures.",
        "category": "cardiology",
        "tags": ["heart-surgery", "recovery"],
        "authors": ["tomas-reyes", "clara-whitfield"],
        "reviewed": True,
        "status": "published",
        "days_ago": 17,
        "featured": True,
        "motif": "rings",
        "hero_alt": "Abstract illustration: concentric rings pulsing outwards, like a heartbeat, over a gradient "
        "from deep red to violet.",
        "hero_caption": "Recovery from bypass surgery is measured in months, not days.",
        "references": [
            {
                "citation": "Neumann FJ, Sousa-Uva M, Ahlsson A, et al. 2018 ESC/EACTS Guidelines on myocardial "
                "revascularization. European Heart Journal 2019;40(2):87-165.",
                "url": "https://www.escardio.org/Guidelines/Clinical-Practice-Guidelines/"
                "ESC-EACTS-Guidelines-in-Myocardial-Revascularisation-Guidelines-for",
                "doi": "10.1093/eurheartj/ehy394",
            },
            {
                "citation": "NHS. Recovering from a coronary artery bypass graft.",
                "url": "https://www.nhs.uk/tests-and-treatments/coronary-artery-bypass-graft/recovery/",
            },
            {
                "citation": "Royal College of Surgeons of England. Get well soon: recovering from coronary artery "
                "bypass surgery, recovery tracker.",
                "url": "https://www.rcseng.ac.uk/patient-care/recovering-from-surgery/coronary-artery-bypass/"
                "recovery-tracker/",
            },
        ],
    },
    {
        "slug": "planning-recovery-time-and-travel-after-surgery",
        "title": "How long to stay after surgery abroad: planning recovery time and travel",
        "standfirst": "The most common planning mistake in medical travel is a return flight booked too soon. How "
        "long you need to stay depends on the operation, your health and the journey home. This guide helps you "
        "ask the right questions before you book.",
        "category": "patient-guides",
        "tags": ["recovery", "travel-health"],
        "authors": ["clara-whitfield"],
        "reviewed": True,
        "status": "published",
        "days_ago": 22,
        "featured": False,
        "motif": "bands",
        "hero_alt": "Abstract illustration: gentle diagonal bands, like a flight path, crossing a gradient from "
        "indigo to pink.",
        "hero_caption": "Plan the recovery first and the return flight second.",
        "references": [
            {
                "citation": "National Institute for Health and Care Excellence. Venous thromboembolism in over 16s: "
                "reducing the risk of hospital-acquired deep vein thrombosis or pulmonary embolism. NICE guideline "
                "NG89. 2018.",
                "url": "https://www.nice.org.uk/guidance/ng89",
            },
            {
                "citation": "Centers for Disease Control and Prevention. Medical tourism. CDC Yellow Book 2024: "
                "Health Information for International Travel.",
                "url": "https://wwwnc.cdc.gov/travel/yellowbook/2024/health-care-abroad/medical-tourism",
            },
            {
                "citation": "Royal College of Surgeons of England. Recovering from surgery: patient information.",
                "url": "https://www.rcseng.ac.uk/patient-care/recovering-from-surgery/",
            },
        ],
    },
    {
        "slug": "how-to-read-a-clinics-accreditation",
        "title": "How to read a clinic's accreditation",
        "standfirst": "Accreditation logos appear on almost every clinic website. Some stand for rigorous independent "
        "inspection; others mean much less. Here is how to tell which is which, and what accreditation can and "
        "cannot tell you about the care you will receive.",
        "category": "patient-guides",
        "tags": ["accreditation", "clinic-safety"],
        "authors": ["tomas-reyes"],
        "reviewed": False,
        "status": "published",
        "days_ago": 28,
        "featured": False,
        "motif": "circles",
        "hero_alt": "Abstract illustration: overlapping translucent circles, like seals or stamps, over a gradient "
        "from indigo to pink.",
        "hero_caption": "Accreditation is one filter among several when choosing a hospital.",
        "references": [
            {
                "citation": "Joint Commission International. Accreditation for hospitals and health care "
                "organisations.",
                "url": "https://www.jointcommissioninternational.org/",
            },
            {
                "citation": "International Society for Quality in Health Care External Evaluation Association "
                "(IEEA). International Accreditation Programme.",
                "url": "https://ieea.ch/accreditation/recognition-programme.html",
            },
            {
                "citation": "Centers for Disease Control and Prevention. Medical tourism. CDC Yellow Book 2024: "
                "Health Information for International Travel.",
                "url": "https://wwwnc.cdc.gov/travel/yellowbook/2024/health-care-abroad/medical-tourism",
            },
        ],
    },
    {
        # Left as a draft: not yet medically reviewed.
        "slug": "stem-cell-injections-for-knee-osteoarthritis",
        "title": "Stem cell injections for knee arthritis: what is proven and what is not",
        "standfirst": "Clinics at home and abroad offer injections of stem cells or fat-derived cells for worn knees. "
        "Research is ongoing, but these products are not an established treatment for osteoarthritis. Here is "
        "what to know before paying for one.",
        "category": "regenerative-medicine",
        "tags": ["stem-cells", "osteoarthritis"],
        "authors": ["tomas-reyes"],
        "reviewed": False,
        "status": "draft",
        "days_ago": None,
        "featured": False,
        "motif": "bands",
        "hero_alt": "Abstract illustration: soft diagonal bands of light over a gradient from teal to deep blue.",
        "hero_caption": "Cell-based injections for arthritis are still being studied.",
        "references": [
            {
                "citation": "US Food and Drug Administration. Important patient and consumer information about "
                "regenerative medicine therapies. 2021.",
                "url": "https://www.fda.gov/vaccines-blood-biologics/consumers-biologics/"
                "important-patient-and-consumer-information-about-regenerative-medicine-therapies",
            },
            {
                "citation": "National Institute for Health and Care Excellence. Osteoarthritis in over 16s: "
                "diagnosis and management. NICE guideline NG226. 2022.",
                "url": "https://www.nice.org.uk/guidance/ng226",
            },
        ],
    },
    {
        # Scheduled: goes live by itself a few days after loading.
        "slug": "medical-records-after-treatment-abroad",
        "title": "Bringing your medical records home after treatment abroad",
        "standfirst": "Your doctors at home can only look after treatment they know about. A complete set of records, "
        "collected before you leave the clinic, makes follow-up safer and any later problem easier to solve. "
        "Here is what to ask for.",
        "category": "patient-guides",
        "tags": ["medical-records", "travel-health"],
        "authors": ["clara-whitfield"],
        "reviewed": True,
        "status": "published",
        "days_ago": -4,
        "featured": False,
        "motif": "rings",
        "hero_alt": "Abstract illustration: concentric rings, like ripples on water, over a gradient from indigo to "
        "pink.",
        "hero_caption": "A complete file from the clinic makes aftercare at home safer.",
        "references": [
            {
                "citation": "Centers for Disease Control and Prevention. Medical tourism: travel to another country "
                "for medical care.",
                "url": "https://wwwnc.cdc.gov/travel/page/medical-tourism",
            },
            {
                "citation": "Centers for Disease Control and Prevention. Medical tourism. CDC Yellow Book 2024: "
                "Health Information for International Travel.",
                "url": "https://wwwnc.cdc.gov/travel/yellowbook/2024/health-care-abroad/medical-tourism",
            },
        ],
    },
]

# Created only when missing: editors own these once they exist.
SITE_BLOCKS = [
    {
        "kind": "disclaimer",
        "title": "Medical disclaimer",
        "body": "<p>The articles in this magazine are for general information only. They are not medical advice and "
        "do not replace a consultation with a doctor or another qualified health professional who knows your "
        "medical history.</p>"
        "<p>Talk to your doctor before you start, change or stop any treatment, and before you travel for "
        "treatment. In an emergency, call your local emergency number.</p>"
        "<p>Mentioning a clinic, hospital, treatment or destination is not an endorsement or a "
        "recommendation.</p>",
    },
    {
        "kind": "quote_cta",
        "title": "Considering treatment abroad?",
        "body": "<p>Tell us about the treatment you are considering and we will send you a free, no-obligation "
        "quote with a detailed breakdown of the costs: what is included, what is not, and what to ask before "
        "you decide.</p>",
        "link_text": "Get a free quote",
        "link_url": "/quote/",
    },
    {
        "kind": "promo",
        "title": "Become a Certified Medical Tourism Professional",
        "body": "<p>Working with international patients? A professional certification covers patient safety, ethics "
        "and quality in medical travel.</p>",
        "link_text": "Learn about certification",
        "link_url": "https://www.medicaltourism.com/cmtp",
    },
]


def article_body(slug):
    return (BODIES_DIR / f"{slug}.html").read_text(encoding="utf-8")


# The treatment catalogue of the quote form, with the article that explains each treatment.
TREATMENTS = [
    {
        "slug": "stem-cell-therapy",
        "name": "Stem cell therapy",
        "description": "Cell-based treatments offered for stroke recovery, joint problems and other conditions.",
        "is_experimental": True,
        "article": "stem-cell-therapy-after-stroke",
    },
    {
        "slug": "knee-replacement",
        "name": "Knee replacement",
        "description": "Total or partial knee replacement, with the hospital stay and physiotherapy.",
        "is_experimental": False,
        "article": "knee-replacement-abroad-costs-and-recovery",
    },
    {
        "slug": "dental-implants",
        "name": "Dental implants",
        "description": "Single implants, bridges on implants and full-arch restorations.",
        "is_experimental": False,
        "article": "dental-implants-abroad-what-a-quote-should-include",
    },
    {
        "slug": "heart-bypass-surgery",
        "name": "Heart bypass surgery (CABG)",
        "description": "Coronary artery bypass grafting, with the tests before and the stay after.",
        "is_experimental": False,
        "article": "heart-bypass-surgery-abroad",
    },
]
DESTINATIONS = ["Costa Rica", "Germany", "India", "Mexico", "Poland", "South Korea", "Spain", "Thailand", "Turkey"]


# Trust pages: how the magazine works. Created once; editors own them afterwards.
PAGES = [
    {
        "slug": "editorial-policy",
        "title": "Editorial policy",
        "summary": "How we choose, write, check and correct what we publish.",
        "position": 0,
        "body": (
            "<h2>Independence</h2><p>Our journalists decide what we cover. Clinics, hospitals and agencies cannot pay "
            "for articles, and advertising never appears inside an article.</p>"
            "<h2>Evidence</h2><p>We cite the research and the guidance we rely on, and link to it. When the evidence "
            "is thin or a treatment is experimental, we say so plainly.</p>"
            "<h2>Corrections</h2><p>When we get something wrong we correct the article and say at the top what "
            "changed and when. Write to the editors if you spot an error.</p>"
        ),
    },
    {
        "slug": "medical-review",
        "title": "About our medical review",
        "summary": "Who checks our medical articles, what they check, and how often we review them again.",
        "position": 1,
        "body": (
            "<h2>Who reviews</h2><p>Every article about a treatment or a condition is checked by a practising "
            "clinician before it is published. Their name, qualifications and the date of the review are shown on "
            "the article.</p>"
            "<h2>What they check</h2><ul><li>That the facts match current evidence and guidelines.</li><li>That "
            "risks and uncertainty are described fairly.</li><li>That nothing reads as a promise of a cure.</li></ul>"
            "<h2>Keeping articles current</h2><p>Medical articles are reviewed again at least once a year, and "
            "sooner when guidance changes.</p>"
        ),
    },
    {
        "slug": "about",
        "title": "About us",
        "summary": "Who we are, what we cover and how an independent magazine about treatment abroad is paid for.",
        "position": 0,
        "body": (
            "<p>Medical Tourism Magazine helps patients and their families decide, calmly and with evidence, whether "
            "treatment in another country is right for them, and how to do it safely if it is.</p>"
            "<h2>What we cover</h2><p>We write about treatments people travel for, from knee replacements and heart "
            "surgery to dental implants, and about the experimental therapies some clinics sell before the evidence "
            "is in. Our patient guides cover the practical side: choosing and checking a provider, travelling after "
            "surgery, bringing your medical records home and planning aftercare with your own doctors.</p>"
            "<h2>Who we are</h2><p>A small team of health journalists and science writers, working with practising "
            "clinicians who review every medical article before it is published. Each article names its authors and "
            "its medical reviewer, with their qualifications, and the date of the last review.</p>"
            "<h2>How we are paid for</h2><p>The magazine is free to read. It is funded by the free quote service: when "
            "a patient asks for a quote, our triage team compares offers from accredited hospitals, which pay us a "
            "fee only if the patient chooses them. Hospitals cannot pay for articles or influence what we write, and "
            "a request for a quote never commits you to anything.</p>"
            "<h2>Not medical advice</h2><p>What we publish is information, not a diagnosis or a treatment plan. Talk "
            "to your own doctor before deciding on any treatment, at home or abroad.</p>"
        ),
    },
    {
        "slug": "contact",
        "title": "Contact us",
        "summary": "How to reach the editors, report an error, ask about a quote or make a request about your data.",
        "position": 5,
        "body": (
            "<p>We read every message and answer within two working days. Please do not send medical records or "
            "details of your health by e-mail.</p>"
            "<h2>The editors</h2><p>For questions about an article, suggestions for a story or to report an error: "
            "<a href=\"mailto:editors@medical-tourism-magazine.example\">editors@medical-tourism-magazine.example</a>. "
            "Corrections are made in the article itself, with a note saying what changed and when.</p>"
            "<h2>Your quote request</h2><p>To ask for a free treatment quote, use the <a href=\"/quote/\">quote "
            "form</a>: it reaches our triage team securely. If you have already sent one, reply to the e-mail we "
            "sent you and quote your reference (it looks like MT-2026-7K3QPX).</p>"
            "<h2>Your data</h2><p>To see, correct or erase what we hold about you, write to "
            "<a href=\"mailto:privacy@medical-tourism-magazine.example\">privacy@medical-tourism-magazine.example</a>. "
            "Our privacy notice explains what we keep and for how long.</p>"
            "<h2>Press and partnerships</h2><p><a href=\"mailto:press@medical-tourism-magazine.example\">"
            "press@medical-tourism-magazine.example</a>. We do not accept paid articles.</p>"
            "<h2>In an emergency</h2><p>We cannot give medical advice. If you are unwell, contact your doctor or the "
            "emergency services of the country you are in.</p>"
        ),
    },
    {
        # Linked beside the consent of the quote form; how long requests are kept is added from QUOTE_RETENTION_DAYS.
        "slug": "privacy",
        "title": "Privacy notice",
        "summary": "What we collect when you ask for a treatment quote, why, who sees it, how long we keep it.",
        "position": 2,
        "body": (
            "<h2>What we collect</h2><p>When you ask for a quote: your name, e-mail address, phone number if you "
            "give one, country of residence, the treatment you are interested in, what you tell us about your "
            "condition, the medical records you attach, your budget and travel dates, and your later messages. "
            "Reading the magazine needs no account and sets no advertising or tracking cookies.</p>"
            "<h2>Why</h2><p>Only to prepare treatment quotes for you and to answer you. What you tell us about "
            "your health is processed on the basis of your explicit consent, which you give on the form.</p>"
            "<h2>Who sees it</h2><p>Our triage team, who need it to prepare your quote, and the clinics we ask for "
            "prices on your behalf: they receive what they need to quote for your treatment. Our editors and "
            "writers do not see requests. We never sell your data nor use it for advertising. Our e-mails about "
            "your request hold only its reference, never your health information.</p>"
            "<h2>How long we keep it</h2><p>Until your request is closed, and then for the period shown below, "
            "after which it is erased with its records and messages.</p>"
            "<h2>Your rights</h2><p>You can withdraw your consent, ask for a copy of your data, have it corrected, "
            "or ask us to erase it at any time: write to our team, quoting your reference, by replying to any "
            "e-mail we sent you. Withdrawing your consent stops any further processing; we erase your request "
            "and confirm it to you. You can also complain to your data protection authority.</p>"
        ),
    },
]
