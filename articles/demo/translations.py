"""
German and Arabic (Modern Standard Arabic) versions of the demo content in `content.py`, written for this project.

Everything is keyed by the English demo's own keys: an article entry names its English article in "source", a
category, tag, page or treatment by its English slug, a site block by its kind. Article bodies are HTML files in
`bodies/<language>/`, named after the translation's slug and written to keep the English body's structure
(the same sections, lists, tables and citation markers such as [1, 3]), so that they survive `clean_html`
unchanged. Slugs are ASCII, German with ae/oe/ue/ss and Arabic transliterated.

Beyond the name or title and body, an entry carries each field readers see that the English record has: an
article's hero image alt text and caption, a page's summary, and a site block's title, body and link text (the
call to action's words). References are cited in the language of the source they cite, so they are not
translated; links keep the English addresses, which the site's language prefixes apply to.
"""

from .content import BODIES_DIR


def translation_body(body_file):
    return (BODIES_DIR / body_file).read_text(encoding="utf-8")


TRANSLATIONS = {
    "de": {
        "articles": [
            {
                "source": "stem-cell-therapy-after-stroke",
                "slug": "stammzelltherapie-nach-schlaganfall",
                "title": "Stammzelltherapie nach einem Schlaganfall: was die Evidenz sagt und wie Sie eine Klinik "
                "beurteilen",
                "standfirst": "Kliniken im Ausland werben bei Menschen, die mit den Folgen eines Schlaganfalls leben, "
                "für Stammzellinfusionen. Die Forschung ist real und verdient Aufmerksamkeit, doch sie ist noch "
                "experimentell. Hier lesen Sie, was Studien gezeigt haben und was nicht, und welche Fragen eine "
                "echte Studie von einem Verkaufsangebot unterscheiden.",
                "seo_title": "Stammzelltherapie nach Schlaganfall: Evidenz und Kliniken",
                "seo_description": "Stammzellen nach einem Schlaganfall: was Studien zeigen, warum die Therapie noch "
                "experimentell ist und wie Sie ein seriöses Angebot erkennen.",
                "body_file": "de/stammzelltherapie-nach-schlaganfall.html",
                "translator": "Katharina Vogel",
                "hero_alt": "Abstrakte Illustration: durchscheinende türkisfarbene Kreise unterschiedlicher Größe, "
                "wie Zellen unter dem Mikroskop, schweben über einem Farbverlauf von Türkis zu Tiefblau.",
                "hero_caption": "Zelltherapien nach einem Schlaganfall werden in Studien erprobt, sind aber noch keine "
                "etablierte Behandlung.",
            },
            {
                "source": "knee-replacement-abroad-costs-and-recovery",
                "slug": "knieprothese-im-ausland-kosten-und-genesung",
                "title": "Knieprothese im Ausland: Kosten, Genesung und die richtigen Fragen",
                "standfirst": "Ein neues Kniegelenk kann das Leben mit schwerer Arthrose grundlegend verändern, und im "
                "Ausland kostet es oft nur einen Bruchteil der privaten Preise im eigenen Land. Doch das Angebot ist "
                "nur ein Teil der Kosten. Hier erfahren Sie, womit Sie rechnen sollten, was die Genesung bedeutet und "
                "wie Sie die Wochen nach der Operation planen.",
                "seo_title": "Knieprothese im Ausland: Kosten, Genesung und Fragen",
                "seo_description": "Was eine Knieprothese im Ausland wirklich kostet, was das Angebot enthalten "
                "sollte, wie die Genesung verläuft und wie Sie die Heimreise planen.",
                "body_file": "de/knieprothese-im-ausland-kosten-und-genesung.html",
                "translator": "Jonas Becker",
                "hero_alt": "Abstrakte Illustration: breite diagonale Lichtbänder auf einem Farbverlauf von "
                "Schiefergrau zu warmem Bernstein.",
                "hero_caption": "Ein großer Teil der Genesung nach einer Knieprothese findet in den Wochen nach dem "
                "Heimflug statt.",
            },
            {
                "source": "how-to-read-a-clinics-accreditation",
                "slug": "die-akkreditierung-einer-klinik-richtig-lesen",
                "title": "Die Akkreditierung einer Klinik richtig lesen",
                "standfirst": "Akkreditierungslogos finden sich auf fast jeder Klinik-Website. Manche stehen für eine "
                "strenge, unabhängige Prüfung, andere bedeuten viel weniger. Hier erfahren Sie, wie Sie das eine vom "
                "anderen unterscheiden und was eine Akkreditierung über die Versorgung, die Sie erhalten werden, "
                "aussagen kann und was nicht.",
                "seo_title": "Die Akkreditierung einer Klinik richtig lesen",
                "seo_description": "JCI, ISO 9001, Mitgliedschaften: was Akkreditierungslogos auf Klinik-Websites "
                "bedeuten, wie Sie sie überprüfen und was sie nicht garantieren.",
                "body_file": "de/die-akkreditierung-einer-klinik-richtig-lesen.html",
                "translator": "Katharina Vogel",
                "hero_alt": "Abstrakte Illustration: einander überlappende, durchscheinende Kreise, wie Siegel oder "
                "Stempel, auf einem Farbverlauf von Indigo zu Rosa.",
                "hero_caption": "Die Akkreditierung ist bei der Wahl eines Krankenhauses ein Filter unter mehreren.",
            },
            {
                "source": "heart-bypass-surgery-abroad",
                "slug": "bypass-operation-am-herzen-im-ausland",
                "title": "Bypass-Operation am Herzen im Ausland: was Sie vorher wissen sollten",
                "standfirst": "Die koronare Bypass-Operation ist ein großer Eingriff, der meist von einem Team geplant "
                "wird, das Ihr Herz gut kennt. Eine Reise dafür ist möglich, doch die Entscheidung, die Vorbereitung "
                "und die Genesung wiegen schwerer als bei den meisten anderen Eingriffen.",
                "seo_title": "Bypass-Operation im Ausland: was Sie vorher wissen sollten",
                "seo_description": "Bypass-Operation am Herzen im Ausland: ob sie die richtige Behandlung ist, was Sie "
                "Klinik und Team fragen und wie lange die Genesung wirklich dauert.",
                "body_file": "de/bypass-operation-am-herzen-im-ausland.html",
                "translator": "Jonas Becker",
                "hero_alt": "Abstrakte Illustration: konzentrische Ringe, die wie ein Herzschlag nach außen pulsieren, "
                "auf einem Farbverlauf von Tiefrot zu Violett.",
                "hero_caption": "Die Genesung nach einer Bypass-Operation wird in Monaten gemessen, nicht in Tagen.",
            },
        ],
        "categories": {
            "regenerative-medicine": {
                "name": "Regenerative Medizin",
                "description": "Stammzellen und andere zellbasierte Therapien: was die Forschung gezeigt hat, was noch "
                "experimentell ist und wie Sie die Versprechen einer Klinik beurteilen.",
            },
            "cardiology": {
                "name": "Kardiologie",
                "description": "Herzoperationen und kardiologische Eingriffe im Ausland, von der ersten Diagnose bis "
                "zur Rehabilitation zu Hause.",
            },
            "orthopaedics": {
                "name": "Orthopädie",
                "description": "Gelenkersatz sowie Knochen- und Gelenkchirurgie: Kosten, Genesung und die Fragen, die "
                "Sie einem Chirurgen stellen sollten.",
            },
            "dental-care": {
                "name": "Zahnmedizin",
                "description": "Implantate, Kronen und andere Zahnbehandlungen im Ausland und wie Sie Angebote fair "
                "vergleichen.",
            },
            "patient-guides": {
                "name": "Patientenratgeber",
                "description": "Praktische Ratgeber für die sichere Planung einer Behandlung im Ausland: die Wahl des "
                "Anbieters, die Reise und die Nachsorge.",
            },
        },
        "tags": {
            "stem-cells": "Stammzellen",
            "stroke": "Schlaganfall",
            "clinic-safety": "Sicherheit in Kliniken",
            "joint-replacement": "Gelenkersatz",
            "costs": "Kosten",
            "recovery": "Genesung",
            "dental-implants": "Zahnimplantate",
            "heart-surgery": "Herzchirurgie",
            "travel-health": "Gesundheit auf Reisen",
            "accreditation": "Akkreditierung",
            "osteoarthritis": "Arthrose",
            "medical-records": "Medizinische Unterlagen",
        },
        "site_blocks": {
            "disclaimer": {
                "title": "Medizinischer Hinweis",
                "body": "<p>Die Artikel in diesem Magazin dienen ausschließlich der allgemeinen Information. Sie sind "
                "keine medizinische Beratung und ersetzen nicht das Gespräch mit einer Ärztin, einem Arzt oder einer "
                "anderen qualifizierten Fachperson, die Ihre Krankengeschichte kennt.</p>"
                "<p>Sprechen Sie mit Ihrer Ärztin oder Ihrem Arzt, bevor Sie eine Behandlung beginnen, ändern oder "
                "beenden und bevor Sie für eine Behandlung ins Ausland reisen. Rufen Sie im Notfall die örtliche "
                "Notrufnummer an.</p>"
                "<p>Die Erwähnung einer Klinik, eines Krankenhauses, einer Behandlung oder eines Reiseziels ist weder "
                "eine Befürwortung noch eine Empfehlung.</p>",
            },
            "quote_cta": {
                "title": "Sie erwägen eine Behandlung im Ausland?",
                "body": "<p>Erzählen Sie uns, welche Behandlung Sie in Betracht ziehen, und wir senden Ihnen ein "
                "kostenloses, unverbindliches Angebot mit einer genauen Aufstellung der Kosten: was enthalten ist, was "
                "nicht und was Sie fragen sollten, bevor Sie sich entscheiden.</p>",
                "link_text": "Kostenloses Angebot anfordern",
            },
            "promo": {
                "title": "Werden Sie zertifizierte Fachkraft für Medizintourismus (CMTP)",
                "body": "<p>Sie arbeiten mit internationalen Patienten? Eine berufliche Zertifizierung vermittelt "
                "Patientensicherheit, Ethik und Qualität im Medizintourismus.</p>",
                "link_text": "Mehr über die Zertifizierung",
            },
        },
        "pages": {
            "editorial-policy": {
                "title": "Redaktionelle Grundsätze",
                "summary": "Wie wir auswählen, schreiben, prüfen und korrigieren, was wir veröffentlichen.",
                "body": (
                    "<h2>Unabhängigkeit</h2><p>Unsere Journalistinnen und Journalisten entscheiden, worüber wir "
                    "berichten. Kliniken, Krankenhäuser und Agenturen können nicht für Artikel bezahlen, und Werbung "
                    "erscheint nie innerhalb eines Artikels.</p>"
                    "<h2>Evidenz</h2><p>Wir zitieren die Forschung und die Leitlinien, auf die wir uns stützen, und "
                    "verlinken sie. Wenn die Evidenz dünn oder eine Behandlung experimentell ist, sagen wir das "
                    "klar.</p>"
                    "<h2>Korrekturen</h2><p>Wenn uns ein Fehler unterläuft, korrigieren wir den Artikel und vermerken "
                    "oben, was sich wann geändert hat. Schreiben Sie der Redaktion, wenn Ihnen ein Fehler auffällt.</p>"
                ),
            },
            "medical-review": {
                "title": "Über unsere medizinische Prüfung",
                "summary": "Wer unsere medizinischen Artikel prüft, was geprüft wird und wie oft wir sie erneut "
                "prüfen.",
                "body": (
                    "<h2>Wer prüft</h2><p>Jeder Artikel über eine Behandlung oder eine Erkrankung wird vor der "
                    "Veröffentlichung von einer praktizierenden Ärztin oder einem praktizierenden Arzt geprüft. Name, "
                    "Qualifikationen und das Datum der Prüfung stehen beim Artikel.</p>"
                    "<h2>Was geprüft wird</h2><ul><li>Dass die Fakten dem aktuellen Stand der Evidenz und der "
                    "Leitlinien entsprechen.</li><li>Dass Risiken und Unsicherheiten fair dargestellt "
                    "sind.</li><li>Dass nichts wie ein Heilversprechen klingt.</li></ul>"
                    "<h2>Aktuell bleiben</h2><p>Medizinische Artikel werden mindestens einmal im Jahr erneut geprüft, "
                    "und früher, wenn sich Leitlinien ändern.</p>"
                ),
            },
            "about": {
                "title": "Über uns",
                "summary": "Wer wir sind, worüber wir berichten und wie sich ein unabhängiges Magazin über "
                "Behandlungen im Ausland finanziert.",
                "body": (
                    "<p>Das Medical Tourism Magazine hilft Patientinnen, Patienten und ihren Familien, in Ruhe und auf "
                    "der Grundlage von Evidenz zu entscheiden, ob eine Behandlung in einem anderen Land für sie "
                    "richtig ist, und wenn ja, wie sie sicher gelingt.</p>"
                    "<h2>Worüber wir berichten</h2><p>Wir schreiben über Behandlungen, für die Menschen reisen, von "
                    "Knieprothesen und Herzoperationen bis zu Zahnimplantaten, und über experimentelle Therapien, die "
                    "manche Kliniken verkaufen, bevor die Evidenz vorliegt. Unsere Patientenratgeber behandeln die "
                    "praktische Seite: einen Anbieter auswählen und überprüfen, nach einer Operation reisen, die "
                    "medizinischen Unterlagen mit nach Hause bringen und die Nachsorge mit den eigenen Ärzten "
                    "planen.</p>"
                    "<h2>Wer wir sind</h2><p>Ein kleines Team aus Gesundheitsjournalisten und Wissenschaftsautoren, "
                    "das mit praktizierenden Ärztinnen und Ärzten zusammenarbeitet, die jeden medizinischen Artikel "
                    "vor der Veröffentlichung prüfen. Jeder Artikel nennt seine Autoren und seine medizinische "
                    "Prüferin oder seinen medizinischen Prüfer mit ihren Qualifikationen sowie das Datum der letzten "
                    "Prüfung.</p>"
                    "<h2>Wie wir uns finanzieren</h2><p>Das Magazin ist kostenlos. Es finanziert sich über den "
                    "kostenlosen Angebotsservice: Wenn eine Patientin oder ein Patient ein Angebot anfragt, vergleicht "
                    "unser Triage-Team Angebote akkreditierter Krankenhäuser, die uns nur dann eine Gebühr zahlen, "
                    "wenn die Wahl auf sie fällt. Krankenhäuser können weder für Artikel bezahlen noch Einfluss auf "
                    "unsere Texte nehmen, und eine Angebotsanfrage verpflichtet Sie zu nichts.</p>"
                    "<h2>Keine medizinische Beratung</h2><p>Was wir veröffentlichen, ist Information, keine Diagnose "
                    "und kein Behandlungsplan. Sprechen Sie mit Ihrer eigenen Ärztin oder Ihrem eigenen Arzt, bevor "
                    "Sie sich für eine Behandlung entscheiden, ob zu Hause oder im Ausland.</p>"
                ),
            },
            "contact": {
                "title": "Kontakt",
                "summary": "So erreichen Sie die Redaktion, melden einen Fehler, fragen nach einem Angebot oder "
                "stellen eine Anfrage zu Ihren Daten.",
                "body": (
                    "<p>Wir lesen jede Nachricht und antworten innerhalb von zwei Werktagen. Bitte senden Sie keine "
                    "medizinischen Unterlagen oder Angaben zu Ihrer Gesundheit per E-Mail.</p>"
                    "<h2>Die Redaktion</h2><p>Für Fragen zu einem Artikel, Themenvorschläge oder um einen Fehler zu "
                    "melden: <a href=\"mailto:editors@medical-tourism-magazine.example\">"
                    "editors@medical-tourism-magazine.example</a>. Korrekturen nehmen wir im Artikel selbst vor, mit "
                    "einem Hinweis, was sich wann geändert hat.</p>"
                    "<h2>Ihre Angebotsanfrage</h2><p>Für ein kostenloses Behandlungsangebot nutzen Sie bitte das "
                    "<a href=\"/quote/\">Anfrageformular</a>: Es erreicht unser Triage-Team auf sicherem Weg. Wenn Sie "
                    "bereits eine Anfrage gesendet haben, antworten Sie auf die E-Mail, die wir Ihnen geschickt haben, "
                    "und nennen Sie Ihre Referenznummer (sie sieht so aus: MT-2026-7K3QPX).</p>"
                    "<h2>Ihre Daten</h2><p>Um einzusehen, zu berichtigen oder löschen zu lassen, was wir über Sie "
                    "speichern, schreiben Sie an <a href=\"mailto:privacy@medical-tourism-magazine.example\">"
                    "privacy@medical-tourism-magazine.example</a>. Unsere Datenschutzerklärung erläutert, was wir "
                    "speichern und wie lange.</p>"
                    "<h2>Presse und Kooperationen</h2><p><a href=\"mailto:press@medical-tourism-magazine.example\">"
                    "press@medical-tourism-magazine.example</a>. Bezahlte Artikel nehmen wir nicht an.</p>"
                    "<h2>Im Notfall</h2><p>Wir können keine medizinische Beratung geben. Wenn es Ihnen nicht gut geht, "
                    "wenden Sie sich an Ihre Ärztin, Ihren Arzt oder den Rettungsdienst des Landes, in dem Sie sich "
                    "aufhalten.</p>"
                ),
            },
            "privacy": {
                "title": "Datenschutzerklärung",
                "summary": "Was wir erheben, wenn Sie ein Behandlungsangebot anfragen, warum, wer es sieht und wie "
                "lange wir es aufbewahren.",
                "body": (
                    "<h2>Was wir erheben</h2><p>Wenn Sie ein Angebot anfragen: Ihren Namen, Ihre E-Mail-Adresse, Ihre "
                    "Telefonnummer, falls Sie sie angeben, Ihr Wohnsitzland, die Behandlung, für die Sie sich "
                    "interessieren, was Sie uns über Ihre Erkrankung mitteilen, die medizinischen Unterlagen, die Sie "
                    "beifügen, Ihr Budget und Ihre Reisedaten sowie Ihre späteren Nachrichten. Zum Lesen des Magazins "
                    "brauchen Sie kein Konto, und es werden keine Werbe- oder Tracking-Cookies gesetzt.</p>"
                    "<h2>Warum</h2><p>Ausschließlich, um Behandlungsangebote für Sie zu erstellen und Ihnen zu "
                    "antworten. Was Sie uns über Ihre Gesundheit mitteilen, verarbeiten wir auf der Grundlage Ihrer "
                    "ausdrücklichen Einwilligung, die Sie im Formular erteilen.</p>"
                    "<h2>Wer sie sieht</h2><p>Unser Triage-Team, das sie für Ihr Angebot benötigt, und die Kliniken, "
                    "bei denen wir in Ihrem Auftrag Preise anfragen: Sie erhalten, was sie brauchen, um ein Angebot "
                    "für Ihre Behandlung zu erstellen. Unsere Redaktion und unsere Autoren sehen keine Anfragen. Wir "
                    "verkaufen Ihre Daten nie und nutzen sie nicht für Werbung. Unsere E-Mails zu Ihrer Anfrage "
                    "enthalten nur deren Referenznummer, nie Angaben zu Ihrer Gesundheit.</p>"
                    "<h2>Wie lange wir sie aufbewahren</h2><p>Bis Ihre Anfrage abgeschlossen ist und danach für den "
                    "unten angegebenen Zeitraum; anschließend wird sie mit ihren Unterlagen und Nachrichten "
                    "gelöscht.</p>"
                    "<h2>Ihre Rechte</h2><p>Sie können Ihre Einwilligung jederzeit widerrufen, eine Kopie Ihrer Daten "
                    "verlangen, sie berichtigen oder löschen lassen: Schreiben Sie unserem Team unter Angabe Ihrer "
                    "Referenznummer, indem Sie auf eine unserer E-Mails antworten. Mit dem Widerruf Ihrer Einwilligung "
                    "endet jede weitere Verarbeitung; wir löschen Ihre Anfrage und bestätigen Ihnen dies. Sie können "
                    "sich außerdem bei Ihrer Datenschutzaufsichtsbehörde beschweren.</p>"
                ),
            },
        },
        "treatments": {
            "stem-cell-therapy": "Stammzelltherapie",
            "knee-replacement": "Kniegelenkersatz",
            "dental-implants": "Zahnimplantate",
            "heart-bypass-surgery": "Bypass-Operation am Herzen (CABG)",
        },
    },
    "ar": {
        "articles": [
            {
                "source": "stem-cell-therapy-after-stroke",
                "slug": "alilaj-bilkhalaya-aljidhiya-baad-alsakta-aldimaghiya",
                "title": "العلاج بالخلايا الجذعية بعد السكتة الدماغية: ماذا تقول الأدلّة، وكيف تحكم على العيادة؟",
                "standfirst": "تروّج عياداتٌ في الخارج لحقن الخلايا الجذعية لدى من يعيشون مع آثار السكتة الدماغية. "
                "والأبحاث في هذا المجال حقيقية وجديرة بالمتابعة، لكنّها لا تزال تجريبية. إليك ما أظهرته التجارب وما "
                "لم تُظهره، والأسئلة التي تميّز الدراسة الحقيقية من العرض التجاري.",
                "seo_title": "الخلايا الجذعية بعد السكتة الدماغية: الأدلّة واختيار العيادة",
                "seo_description": "ماذا تقول الأبحاث عن العلاج بالخلايا الجذعية بعد السكتة الدماغية، ولماذا لا "
                "يزال تجريبيًّا، وكيف تميّز الدراسة الحقيقية من العرض التجاري.",
                "body_file": "ar/alilaj-bilkhalaya-aljidhiya-baad-alsakta-aldimaghiya.html",
                "translator": "رانيا حدّاد",
                "hero_alt": "رسم توضيحي تجريدي: دوائر شفّافة بلونٍ فيروزي ومختلفة الأحجام، تشبه خلايا تحت "
                "المجهر، تطفو فوق تدرّجٍ لوني من الفيروزي إلى الأزرق الداكن.",
                "hero_caption": "تخضع العلاجات الخلوية للسكتة الدماغية للاختبار في تجارب سريرية، لكنّها ليست علاجًا "
                "راسخًا بعد.",
            },
            {
                "source": "knee-replacement-abroad-costs-and-recovery",
                "slug": "istibdal-mafsal-alrukba-fi-alkharij",
                "title": "استبدال مفصل الركبة في الخارج: التكاليف والتعافي والأسئلة التي ينبغي طرحها",
                "standfirst": "يمكن لركبةٍ جديدة أن تغيّر حياة المصاب بالتهاب المفاصل الشديد، وقد لا يتجاوز سعرها "
                "في الخارج جزءًا يسيرًا من الأسعار الخاصة في بلده. لكنّ عرض السعر ليس سوى جزءٍ من التكلفة. إليك ما "
                "ينبغي أن تحسب حسابه في ميزانيتك، وما يتطلّبه التعافي، وكيف تخطّط للأسابيع التي تلي الجراحة.",
                "seo_title": "استبدال الركبة في الخارج: التكاليف والتعافي والأسئلة",
                "seo_description": "ما التكلفة الحقيقية لاستبدال مفصل الركبة في الخارج، وما الذي ينبغي أن يشمله "
                "عرض السعر، وكيف يسير التعافي، وكيف تخطّط لرحلة العودة.",
                "body_file": "ar/istibdal-mafsal-alrukba-fi-alkharij.html",
                "translator": "عمر الخطيب",
                "hero_alt": "رسم توضيحي تجريدي: أشرطة ضوئية قطرية عريضة تعبر تدرّجًا لونيًّا من الرمادي الأردوازي "
                "إلى الكهرماني الدافئ.",
                "hero_caption": "يجري جزءٌ كبير من التعافي بعد استبدال الركبة في الأسابيع التي تلي رحلة العودة.",
            },
            {
                "source": "how-to-read-a-clinics-accreditation",
                "slug": "kayfa-taqra-itimad-almustashfa",
                "title": "كيف تقرأ اعتماد المستشفى أو العيادة؟",
                "standfirst": "تظهر شعارات الاعتماد على المواقع الإلكترونية لكلّ العيادات تقريبًا. بعضها يدلّ على "
                "تفتيشٍ مستقلّ صارم، وبعضها يعني أقلّ من ذلك بكثير. إليك كيف تميّز هذا من ذاك، وما يمكن للاعتماد أن "
                "يخبرك به عن الرعاية التي ستتلقّاها وما لا يمكنه.",
                "seo_title": "كيف تقرأ اعتماد المستشفى أو العيادة قبل العلاج في الخارج؟",
                "seo_description": "JCI وISO 9001 والعضويات: ماذا تعني شعارات الاعتماد على مواقع العيادات، وكيف "
                "تتحقّق منها، وما الذي لا تضمنه لك؟",
                "body_file": "ar/kayfa-taqra-itimad-almustashfa.html",
                "translator": "رانيا حدّاد",
                "hero_alt": "رسم توضيحي تجريدي: دوائر شفّافة متداخلة، تشبه الأختام، فوق تدرّجٍ لوني من النيلي إلى "
                "الوردي.",
                "hero_caption": "الاعتماد معيارٌ واحد من بين عدّة معايير عند اختيار المستشفى.",
            },
            {
                "source": "heart-bypass-surgery-abroad",
                "slug": "jirahat-majaz-alshirayin-altajiya-fi-alkharij",
                "title": "جراحة مجازة الشرايين التاجية في الخارج: ما ينبغي معرفته قبل التفكير فيها",
                "standfirst": "جراحة مجازة الشرايين التاجية عمليةٌ كبرى، يخطّط لها عادةً فريقٌ يعرف قلبك جيدًا. "
                "والسفر لإجرائها ممكن، لكنّ القرار والتحضير والتعافي كلّها تحمل وزنًا أكبر ممّا هي عليه في معظم "
                "الإجراءات الأخرى.",
                "seo_title": "جراحة مجازة القلب في الخارج: ما ينبغي معرفته أولًا",
                "seo_description": "هل جراحة مجازة الشرايين التاجية هي العلاج المناسب لك؟ وما الأسئلة التي تطرحها "
                "على المستشفى والفريق؟ وكم يستغرق التعافي فعلًا؟",
                "body_file": "ar/jirahat-majaz-alshirayin-altajiya-fi-alkharij.html",
                "translator": "عمر الخطيب",
                "hero_alt": "رسم توضيحي تجريدي: حلقات متّحدة المركز تنبض نحو الخارج كنبض القلب، فوق تدرّجٍ لوني من "
                "الأحمر الداكن إلى البنفسجي.",
                "hero_caption": "يُقاس التعافي من جراحة المجازة بالأشهر، لا بالأيام.",
            },
        ],
        "categories": {
            "regenerative-medicine": {
                "name": "الطب التجديدي",
                "description": "الخلايا الجذعية وغيرها من العلاجات القائمة على الخلايا: ما أثبتته الأبحاث، وما لا "
                "يزال تجريبيًّا، وكيف تحكم على ادّعاءات العيادات.",
            },
            "cardiology": {
                "name": "أمراض القلب",
                "description": "جراحات القلب وإجراءاته في الخارج، من التشخيص الأول حتى التأهيل في بلدك.",
            },
            "orthopaedics": {
                "name": "جراحة العظام",
                "description": "استبدال المفاصل وجراحات العظام والمفاصل: التكاليف، والتعافي، والأسئلة التي ينبغي "
                "طرحها على الجرّاح.",
            },
            "dental-care": {
                "name": "طب الأسنان",
                "description": "زراعة الأسنان والتيجان وغيرها من علاجات الأسنان في الخارج، وكيف تقارن بين عروض "
                "الأسعار مقارنةً منصفة.",
            },
            "patient-guides": {
                "name": "أدلّة المرضى",
                "description": "أدلّة عملية للتخطيط الآمن للعلاج في الخارج: اختيار مقدّم الخدمة، والسفر، والرعاية "
                "اللاحقة.",
            },
        },
        "tags": {
            "stem-cells": "الخلايا الجذعية",
            "stroke": "السكتة الدماغية",
            "clinic-safety": "سلامة العيادات",
            "joint-replacement": "استبدال المفاصل",
            "costs": "التكاليف",
            "recovery": "التعافي",
            "dental-implants": "زراعة الأسنان",
            "heart-surgery": "جراحة القلب",
            "travel-health": "الصحة في السفر",
            "accreditation": "الاعتماد",
            "osteoarthritis": "الفُصال العظمي",
            "medical-records": "السجلات الطبية",
        },
        "site_blocks": {
            "disclaimer": {
                "title": "إخلاء المسؤولية الطبية",
                "body": "<p>المقالات المنشورة في هذه المجلة للمعلومات العامة فقط؛ فهي ليست استشارةً طبية، ولا تغني "
                "عن استشارة طبيبٍ أو أيّ مختصٍّ صحيّ مؤهَّل آخر يعرف تاريخك المرضي.</p>"
                "<p>تحدّث إلى طبيبك قبل أن تبدأ أيّ علاج أو تغيّره أو توقفه، وقبل أن تسافر لتلقّي العلاج. وفي حالات "
                "الطوارئ، اتصل برقم الطوارئ المحلي.</p>"
                "<p>إنّ ذكر عيادةٍ أو مستشفى أو علاجٍ أو وجهةٍ علاجية لا يعني تأييدها ولا التوصية بها.</p>",
            },
            "quote_cta": {
                "title": "هل تفكّر في العلاج في الخارج؟",
                "body": "<p>أخبرنا بالعلاج الذي تفكّر فيه، وسنرسل إليك عرض سعرٍ مجانيًّا دون أيّ التزام، مع تفصيلٍ "
                "دقيق للتكاليف: ما يشمله العرض، وما لا يشمله، وما ينبغي أن تسأل عنه قبل أن تقرّر.</p>",
                "link_text": "احصل على عرض سعر مجاني",
            },
            "promo": {
                "title": "احصل على شهادة محترف السياحة العلاجية المعتمد",
                "body": "<p>هل تعمل مع مرضى دوليين؟ تغطّي الشهادة المهنية سلامة المرضى والأخلاقيات والجودة في السفر "
                "العلاجي.</p>",
                "link_text": "تعرّف على الشهادة",
            },
        },
        "pages": {
            "editorial-policy": {
                "title": "السياسة التحريرية",
                "summary": "كيف نختار ما ننشره، وكيف نكتبه ونتحقّق منه ونصحّحه.",
                "body": (
                    "<h2>الاستقلالية</h2><p>صحفيّونا هم من يقرّرون ما نتناوله. ولا يمكن للعيادات والمستشفيات "
                    "والوكالات أن تدفع مقابل نشر المقالات، ولا تظهر الإعلانات أبدًا داخل أيّ مقال.</p>"
                    "<h2>الأدلّة</h2><p>نستشهد بالأبحاث والإرشادات التي نعتمد عليها، ونضع روابط إليها. وحين تكون "
                    "الأدلّة ضعيفة أو يكون العلاج تجريبيًّا، نقول ذلك بوضوح.</p>"
                    "<h2>التصحيحات</h2><p>حين نخطئ، نصحّح المقال ونذكر في أعلاه ما الذي تغيّر ومتى. راسل المحرّرين "
                    "إن لاحظت خطأً.</p>"
                ),
            },
            "medical-review": {
                "title": "عن المراجعة الطبية لدينا",
                "summary": "من يراجع مقالاتنا الطبية، وما الذي يراجعه، وكم مرّةً نعيد مراجعتها.",
                "body": (
                    "<h2>من يراجع</h2><p>يراجع كلَّ مقالٍ عن علاجٍ أو حالةٍ مرضية طبيبٌ ممارس قبل نشره، ويظهر على "
                    "المقال اسمه ومؤهّلاته وتاريخ المراجعة.</p>"
                    "<h2>ما الذي يُراجَع</h2><ul><li>أن تتوافق الحقائق مع الأدلّة والإرشادات الحالية.</li><li>أن "
                    "تُعرض المخاطر وجوانب عدم اليقين عرضًا منصفًا.</li><li>ألّا يُفهم من أيّ عبارةٍ أنّها وعدٌ "
                    "بالشفاء.</li></ul>"
                    "<h2>إبقاء المقالات محدَّثة</h2><p>تُراجَع المقالات الطبية مرّةً أخرى مرّةً واحدة في السنة على "
                    "الأقل، وقبل ذلك إذا تغيّرت الإرشادات.</p>"
                ),
            },
            "about": {
                "title": "من نحن",
                "summary": "من نحن، وما الذي نتناوله، وكيف تُموَّل مجلةٌ مستقلة عن العلاج في الخارج.",
                "body": (
                    "<p>تساعد مجلة السياحة العلاجية المرضى وأسرهم على أن يقرّروا بهدوءٍ وبالاستناد إلى الأدلّة هل "
                    "العلاج في بلدٍ آخر مناسبٌ لهم، وكيف يتمّ ذلك بأمان إن كان كذلك.</p>"
                    "<h2>ما الذي نتناوله</h2><p>نكتب عن العلاجات التي يسافر الناس من أجلها، من استبدال الركبة "
                    "وجراحات القلب إلى زراعة الأسنان، وعن العلاجات التجريبية التي تبيعها بعض العيادات قبل أن تتوافر "
                    "الأدلّة. وتتناول أدلّة المرضى لدينا الجانب العملي: اختيار مقدّم الخدمة والتحقّق منه، والسفر بعد "
                    "الجراحة، وإحضار سجلاتك الطبية إلى بلدك، والتخطيط للرعاية اللاحقة مع أطبائك.</p>"
                    "<h2>من نحن</h2><p>فريقٌ صغير من الصحفيين المتخصّصين في الصحة والكتّاب العلميين، يعمل مع أطباء "
                    "ممارسين يراجعون كلّ مقالٍ طبي قبل نشره. ويذكر كلّ مقالٍ مؤلّفيه ومراجعه الطبي مع مؤهّلاتهم، "
                    "وتاريخ آخر مراجعة.</p>"
                    "<h2>كيف نموّل أنفسنا</h2><p>قراءة المجلة مجانية، وهي تُموَّل من خدمة عروض الأسعار المجانية: حين "
                    "يطلب مريضٌ عرض سعر، يقارن فريق الفرز لدينا بين عروض مستشفياتٍ معتمدة لا تدفع لنا رسومًا إلّا إذا "
                    "اختارها المريض. ولا يمكن للمستشفيات أن تدفع مقابل المقالات أو أن تؤثّر فيما نكتبه، وطلب عرض السعر "
                    "لا يُلزمك بأيّ شيء.</p>"
                    "<h2>ليست استشارةً طبية</h2><p>ما ننشره معلوماتٌ، لا تشخيصٌ ولا خطّةُ علاج. تحدّث إلى طبيبك قبل "
                    "أن تقرّر أيّ علاج، في بلدك أو في الخارج.</p>"
                ),
            },
            "contact": {
                "title": "اتصل بنا",
                "summary": "كيف تتواصل مع المحرّرين، أو تبلغ عن خطأ، أو تسأل عن عرض سعر، أو تقدّم طلبًا يتعلّق "
                "ببياناتك.",
                "body": (
                    "<p>نقرأ كلّ رسالة ونردّ عليها في غضون يومَي عمل. يُرجى عدم إرسال سجلاتٍ طبية أو تفاصيل عن "
                    "حالتك الصحية بالبريد الإلكتروني.</p>"
                    "<h2>المحرّرون</h2><p>للأسئلة عن مقال، أو لاقتراح موضوع، أو للإبلاغ عن خطأ: "
                    "<a href=\"mailto:editors@medical-tourism-magazine.example\">"
                    "editors@medical-tourism-magazine.example</a>. ونجري التصحيحات في المقال نفسه، مع ملاحظةٍ تذكر ما "
                    "الذي تغيّر ومتى.</p>"
                    "<h2>طلب عرض السعر</h2><p>لطلب عرض سعرٍ مجاني للعلاج، استخدم <a href=\"/quote/\">نموذج الطلب</a>؛ "
                    "فهو يصل إلى فريق الفرز لدينا بأمان. وإن كنت قد أرسلت طلبًا من قبل، فردّ على الرسالة التي أرسلناها "
                    "إليك واذكر رقمك المرجعي (يبدو هكذا: MT-2026-7K3QPX).</p>"
                    "<h2>بياناتك</h2><p>للاطّلاع على ما نحتفظ به عنك أو تصحيحه أو محوه، راسلنا على "
                    "<a href=\"mailto:privacy@medical-tourism-magazine.example\">"
                    "privacy@medical-tourism-magazine.example</a>. ويوضّح إشعار الخصوصية ما نحتفظ به ولأيّ مدّة.</p>"
                    "<h2>الصحافة والشراكات</h2><p><a href=\"mailto:press@medical-tourism-magazine.example\">"
                    "press@medical-tourism-magazine.example</a>. لا نقبل المقالات المدفوعة.</p>"
                    "<h2>في حالات الطوارئ</h2><p>لا يمكننا تقديم استشارةٍ طبية. إن كنت مريضًا، فتواصل مع طبيبك أو مع "
                    "خدمات الطوارئ في البلد الذي توجد فيه.</p>"
                ),
            },
            "privacy": {
                "title": "إشعار الخصوصية",
                "summary": "ما الذي نجمعه حين تطلب عرض سعرٍ للعلاج، ولماذا، ومن يطّلع عليه، وكم نحتفظ به.",
                "body": (
                    "<h2>ما الذي نجمعه</h2><p>حين تطلب عرض سعر: اسمك، وعنوان بريدك الإلكتروني، ورقم هاتفك إن "
                    "أعطيتنا إيّاه، وبلد إقامتك، والعلاج الذي تهتمّ به، وما تخبرنا به عن حالتك، والسجلات الطبية التي "
                    "ترفقها، وميزانيتك، ومواعيد سفرك، ورسائلك اللاحقة. ولا تتطلّب قراءة المجلة إنشاء حساب، ولا تضع "
                    "المجلة ملفات تعريف ارتباط للإعلانات أو للتتبّع.</p>"
                    "<h2>لماذا</h2><p>لإعداد عروض أسعار العلاج لك والردّ عليك فقط. ونعالج ما تخبرنا به عن صحتك على "
                    "أساس موافقتك الصريحة التي تعطيها في النموذج.</p>"
                    "<h2>من يطّلع عليها</h2><p>فريق الفرز لدينا، الذي يحتاج إليها لإعداد عرض السعر، والعيادات التي "
                    "نطلب منها الأسعار نيابةً عنك: فهي تتلقّى ما تحتاج إليه لتقديم عرض سعرٍ لعلاجك. ولا يطّلع محرّرونا "
                    "وكتّابنا على الطلبات. ولا نبيع بياناتك أبدًا، ولا نستخدمها للإعلان. ولا تتضمّن رسائلنا "
                    "الإلكترونية بشأن طلبك إلّا رقمه المرجعي، ولا تتضمّن أبدًا معلوماتك الصحية.</p>"
                    "<h2>كم نحتفظ بها</h2><p>إلى أن يُغلق طلبك، ثمّ طوال المدّة المبيّنة أدناه، وبعدها يُمحى الطلب مع "
                    "سجلاته ورسائله.</p>"
                    "<h2>حقوقك</h2><p>يمكنك في أيّ وقت أن تسحب موافقتك، أو أن تطلب نسخةً من بياناتك، أو أن تطلب "
                    "تصحيحها أو محوها: راسل فريقنا بالردّ على أيّ رسالةٍ أرسلناها إليك، مع ذكر رقمك المرجعي. وسحب "
                    "موافقتك يوقف أيّ معالجةٍ أخرى؛ فنمحو طلبك ونؤكّد لك ذلك. ويمكنك أيضًا تقديم شكوى إلى هيئة حماية "
                    "البيانات في بلدك.</p>"
                ),
            },
        },
        "treatments": {
            "stem-cell-therapy": "العلاج بالخلايا الجذعية",
            "knee-replacement": "استبدال مفصل الركبة",
            "dental-implants": "زراعة الأسنان",
            "heart-bypass-surgery": "جراحة مجازة الشرايين التاجية (CABG)",
        },
    },
}
