//! The words releases are written with, in the languages the organisation
//! publishes in (English, Spanish, French, Portuguese, Arabic, Russian,
//! Ukrainian): contact-block openers and labels, honorifics, attribution
//! verbs, month names, and the words of titles and organisations that are
//! never part of a person's name. Vocabulary only; place names come from the
//! gazetteer (`gazetteer.rs`), which is generated data.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::text::fold;

/// An alternation of words, longest first so that `a déclaré` wins over `a`.
fn alternation(words: &[&str]) -> String {
    let mut sorted: Vec<&str> = words.to_vec();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    sorted
        .iter()
        .map(|w| regex::escape(w).replace("\\ ", r"\s+").replace(' ', r"\s+"))
        .collect::<Vec<_>>()
        .join("|")
}

/// Lines that open a media-contact block.
pub static CONTACT_OPENER: LazyLock<Regex> = LazyLock::new(|| {
    let openers = [
        // English
        r"for (?:[\w ,]{0,30}? )?(?:more|further|additional) information",
        r"for (?:media|press) (?:enquiries|inquiries|queries|requests|contacts?)",
        r"(?:media|press) (?:enquiries|inquiries|contacts?|relations)",
        r"contacts? for (?:the )?(?:media|press)",
        r"(?:media|press) contact persons?",
        r"contacts?\s*:",
        // Spanish
        r"para (?:m[aá]s|mayor|obtener m[aá]s) informaci[oó]n",
        r"contactos? (?:de|para) (?:prensa|medios(?: de comunicaci[oó]n)?)",
        r"contacto con (?:los )?medios",
        r"(?:prensa|medios)\s*:",
        r"informaci[oó]n (?:para|a) (?:la )?(?:prensa|medios)",
        // French
        r"pour (?:plus d['’]|de plus amples |toute(?:s)? )?(?:informations?|renseignements?)(?: compl[ée]mentaires?)?",
        r"contacts? (?:presse|m[ée]dias?)",
        r"contacts? pour les m[ée]dias",
        r"relations? (?:presse|m[ée]dias)",
        // Portuguese
        r"para (?:mais|maiores) informa[cç][oõ]es",
        r"conta(?:c)?tos? (?:para a |de |com a )?(?:imprensa|m[ií]dia|media)",
        r"assessoria de (?:imprensa|comunica[cç][aã]o)",
        r"informa[cç][oõ]es (?:para a|à) imprensa",
        // Ukrainian
        r"для (?:отримання )?(?:додаткової|детальнішої|більш детальної) інформації",
        r"(?:контакти|контакт) для (?:змі|медіа|преси|журналістів)",
        r"контактн(?:а|і) особ(?:а|и)",
        r"медіаконтакти|контакти\s*:",
        // Russian
        r"для (?:получения )?(?:дополнительной|более подробной) информации",
        r"(?:контакты|контакт) для (?:сми|прессы|медиа|журналистов)",
        r"контактн(?:ое|ые) лиц(?:о|а)|контакты\s*:",
        // Arabic
        r"لل?مزيد من المعلومات",
        r"للتواصل(?: الإعلامي| مع وسائل الإعلام)?",
        r"للاستفسارات(?: الإعلامية)?",
        r"جهات? الاتصال(?: الإعلامي)?",
        r"للاتصال",
    ];
    Regex::new(&format!(r"(?i)^\W*(?:{})", openers.join("|"))).expect("contact opener regex")
});

/// Labels in front of phone numbers and addresses.
const PHONE_LABELS: &[&str] = &[
    "tel", "tel.", "tél", "tél.", "téléphone", "telephone", "phone", "ph.", "teléfono",
    "telefono", "telefone", "fone", "телефон", "тел", "тел.", "هاتف", "الهاتف", "landline",
];
const MOBILE_LABELS: &[&str] = &[
    "mobile", "mob", "mob.", "cell", "cellphone", "cell phone", "cel", "cel.", "celular",
    "móvil", "movil", "portable", "port.", "telemóvel", "telemovel", "моб", "моб.",
    "мобільний", "мобільний телефон", "мобильный", "мобильный телефон", "جوال", "الجوال",
    "محمول", "الهاتف المحمول", "whatsapp", "signal", "telegram", "viber",
];
const FAX_LABELS: &[&str] = &["fax", "télécopie", "факс", "فاكس"];
const EMAIL_LABELS: &[&str] = &[
    "email",
    "e-mail",
    "e mail",
    "mail",
    "courriel",
    "correo",
    "correo electrónico",
    "correo-e",
    "ел. пошта",
    "ел.пошта",
    "електронна пошта",
    "e-пошта",
    "эл. почта",
    "эл.почта",
    "электронная почта",
    "البريد الإلكتروني",
    "بريد إلكتروني",
    "البريد",
];

/// A label and its separator, wherever it stands in a contact line.
pub static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    let all: Vec<&str> = PHONE_LABELS
        .iter()
        .chain(MOBILE_LABELS)
        .chain(FAX_LABELS)
        .chain(EMAIL_LABELS)
        .copied()
        .collect();
    // One-letter labels (`T:`, `M:`, `E:`) only with their colon.
    Regex::new(&format!(
        r"(?i)(?:^|[^\p{{L}}\d])(?P<label>(?:{})(?:\s*\(?(?:whatsapp|signal)\)?)?|[TMEPF]\s*:|(?:office|oficina|bureau|direct|desk|fixe|fijo|ligne directe)\s*:)\s*[:.]?\s*",
        alternation(&all)
    ))
    .expect("label regex")
});

/// What a label says a value is.
pub enum LabelKind {
    Phone,
    Mobile,
    Fax,
    Email,
}

static LABEL_KINDS: LazyLock<HashMap<String, u8>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for (words, kind) in [
        (PHONE_LABELS, 0u8),
        (MOBILE_LABELS, 1),
        (FAX_LABELS, 2),
        (EMAIL_LABELS, 3),
    ] {
        for word in words {
            map.insert(fold(word), kind);
        }
    }
    map
});

pub fn label_kind(label: &str) -> LabelKind {
    let folded = fold(label);
    let kind = LABEL_KINDS.get(&folded).copied().or_else(|| {
        // `Tel (WhatsApp)` and the like: the longest known label it starts with.
        LABEL_KINDS
            .iter()
            .filter(|(word, _)| folded.starts_with(word.as_str()))
            .max_by_key(|(word, _)| word.len())
            .map(|(_, kind)| *kind)
    });
    match (kind, folded.as_str()) {
        (_, f) if f.contains("whatsapp") || f.contains("signal") => LabelKind::Mobile,
        (Some(1), _) | (None, "m") => LabelKind::Mobile,
        (Some(2), _) | (None, "f") => LabelKind::Fax,
        (Some(3), _) | (None, "e") => LabelKind::Email,
        _ => LabelKind::Phone,
    }
}

/// Courtesy titles and honorifics, stripped from the front of names.
const HONORIFICS: &[&str] = &[
    "dr", "dra", "drª", "dr.ª", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "profª",
    "sr", "sra", "srta", "sir", "dame", "mme", "mlle", "m", "pr", "me", "h.e", "s.e", "hon",
    "dott", "dott.ssa", "lt gen", "lt", "gen", "col", "maj", "capt", "mtro", "mtra", "lic", "lcda", "lcdo", "ing", "abog", "arq", "профессор", "професор", "professeur", "professora", "doctor", "doctora", "docteur", "пан", "пані", "д-р", "др", "проф", "г-н", "г-жа", "господин",
    "госпожа", "د", "الدكتور", "الدكتورة", "السيد", "السيدة", "الأستاذ", "الأستاذة",
];

static HONORIFIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(?i:(?:{}))(?:\.|\s)\s*",
        alternation(HONORIFICS)
    ))
    .expect("honorific regex")
});

/// `Dr. Amal Haddad` → `Amal Haddad`; `Mme Awa Ndiaye` → `Awa Ndiaye`.
pub fn strip_honorifics(name: &str) -> &str {
    let mut rest = name.trim();
    // Several in a row: `H.E. Dr. …`. A lone capital with a dot is kept
    // (an initial) unless more than two words follow.
    for _ in 0..3 {
        match HONORIFIC.find(rest) {
            Some(m) if rest[m.end()..].split_whitespace().count() >= 2 => {
                rest = rest[m.end()..].trim_start();
            }
            _ => break,
        }
    }
    rest
}

/// Verbs that attribute a quote, in the forms releases print them.
const VERBS: &[&str] = &[
    // English
    "said", "says", "added", "adds", "explained", "explains", "noted", "notes", "stated",
    "states", "stressed", "stresses", "emphasized", "emphasised", "emphasizes", "emphasises",
    "remarked", "underlined", "underlines", "highlighted", "highlights", "warned", "warns",
    "urged", "urges", "told", "observed", "commented", "concluded", "continued", "insisted",
    "affirmed", "declared", "pointed out", "recalled", "acknowledged", "asserted", "reiterated",
    // Spanish
    "dijo", "afirmó", "afirma", "señaló", "señala", "explicó", "explica", "destacó", "destaca",
    "agregó", "añadió", "indicó", "indica", "subrayó", "subraya", "declaró", "expresó",
    "aseguró", "asegura", "comentó", "manifestó", "sostuvo", "precisó", "enfatizó", "recalcó",
    "advirtió", "apuntó", "concluyó", "resaltó", "remarcó", "sostiene", "dice", "recordó",
    "contó", "relató", "ha afirmado", "ha señalado", "ha explicado", "ha dicho", "ha destacado",
    "ha añadido", "ha subrayado", "ha declarado", "ha asegurado", "ha indicado", "comenta",
    "agrega", "alerta", "subraya", "insiste", "advierte", "apunta", "recuerda", "lamenta",
    "considera", "denuncia", "reclama", "añade", "confie", "raconte", "témoigne", "déplore",
    "alerte", "prévient", "conta", "comenta", "lembra", "acrescenta", "ressalta", "explica",
    "warns", "adds", "explains", "notes", "urged",
    // French
    "a déclaré", "a dit", "a souligné", "a expliqué", "a ajouté", "a indiqué", "a affirmé",
    "a précisé", "a rappelé", "a insisté", "a estimé", "a noté", "a relevé", "a averti",
    "a poursuivi", "a conclu", "a assuré", "a martelé", "déclare", "souligne", "explique",
    "ajoute", "affirme", "indique", "précise", "estime", "rappelle", "insiste",
    "poursuit", "conclut", "assure", "dit",
    // Portuguese
    "disse", "afirmou", "destacou", "explicou", "acrescentou", "declarou", "ressaltou",
    "salientou", "sublinhou", "observou", "comentou", "frisou", "enfatizou", "lembrou",
    "reforçou", "garantiu", "alertou", "concluiu", "diz", "afirma", "contou", "relatou",
    "recordou",
    // Ukrainian
    "заявив", "заявила", "сказав", "сказала", "зазначив", "зазначила", "наголосив",
    "наголосила", "додав", "додала", "розповів", "розповіла", "пояснив", "пояснила",
    "підкреслив", "підкреслила", "повідомив", "повідомила", "зауважив", "зауважила",
    "відзначив", "відзначила", "говорить", "каже",
    // Russian
    "заявил", "сказал", "отметил", "отметила", "подчеркнул", "подчеркнула", "добавил",
    "добавила", "пояснил", "пояснила", "сообщил", "сообщила", "рассказал", "рассказала",
    "говорит", "считает",
    // Arabic, with the conjunction it is usually written with
    "قال", "وقال", "قالت", "وقالت", "أضاف", "وأضاف", "أضافت", "وأضافت", "صرح", "وصرح", "صرّح",
    "وصرّح", "صرحت", "وصرحت", "صرّحت", "وصرّحت", "أكد", "وأكد", "أكدت", "وأكدت", "أوضح",
    "وأوضح", "أوضحت", "وأوضحت", "أشار", "وأشار", "أشارت", "وأشارت", "شدد", "وشدد", "شددت",
    "وشددت", "يقول", "تقول",
];

/// Words that put the speaker after them: `according to Name`.
const ACCORDING_TO: &[&str] = &[
    "according to", "según", "selon", "d'après", "d’après", "segundo", "de acordo com",
    "за словами", "по словам", "بحسب", "وفقا ل", "وفقاً ل", "حسب", "pour", "para", "для",
];

/// An attribution verb (or `according to`), as a whole word.
pub static ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    let all: Vec<&str> = VERBS.iter().chain(ACCORDING_TO).copied().collect();
    Regex::new(&format!(
        r"(?i)(?:^|[^\p{{L}}\-])(?P<verb>{})(?:$|[^\p{{L}}\-])",
        alternation(&all)
    ))
    .expect("attribution regex")
});

/// Pronouns that keep the last speaker: `she said`, `a-t-elle ajouté`.
pub static PRONOUN_ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[^\p{L}])(?:he|she|they|él|ella|il|elle|ele|ela|він|вона|он|она)\s+(?:\p{L}+\s+)?(?:said|says|added|explained|noted|dijo|añadió|agregó|disse|сказав|сказала|сказал|додала|додав|добавила|добавил)|(?:a-t-(?:il|elle)|t-(?:il|elle))\s+\p{L}+|(?:^|[^\p{L}])(?:explique|ajoute|souligne|poursuit|précise)-t-(?:il|elle)",
    )
    .expect("pronoun regex")
});

/// Headlines that are one person's words: `Statement by the Regional Director, Name`.
pub static STATEMENT_HEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:joint\s+)?(?:statement|remarks|opening remarks|message|op-ed|declaración|declaração|comunicado|mensaje|mensagem|déclaration|message|discours|allocution|заява|звернення|заявление|обращение|послание|بيان|كلمة|رسالة)\b",
    )
    .expect("statement regex")
});

/// Words that separate a statement headline's subject from its speaker.
pub const BY_WORDS: &[&str] = &[
    "by", "from", "of", "de", "del", "de la", "du", "par", "por", "da", "do", "від", "от",
    "للسيد", "للسيدة", "من",
];

/// Words that are never part of a person's name: organisations, titles,
/// units, labels, in every language above (compared folded).
const NOT_NAME: &[&str] = &[
    // organisations and places of work
    "iom", "oim", "мом", "un", "onu", "оон", "united", "nations", "naciones", "unidas", "unies",
    "unhcr", "acnur", "hcr", "увкб", "unicef", "юнісеф", "юнисеф", "wfp", "pma", "впп", "who",
    "oms", "воз", "вооз", "undp", "pnud", "проон", "ocha", "unfpa", "ilo", "oit", "msf", "ifrc",
    "office", "oficina", "bureau", "escritório", "escritorio", "офіс", "офис", "mission",
    "misión", "missão", "місія", "миссия", "organization", "organisation", "organización",
    "organização", "організація", "организация", "ministry", "ministerio", "ministère",
    "ministério", "міністерство", "министерство", "government", "gobierno", "gouvernement",
    "governo", "department", "departamento", "département", "unit", "unidad", "unité",
    "unidade", "відділ", "отдел", "headquarters", "sede", "siège", "agency", "agencia",
    "agence", "agência", "programme", "program", "programa", "програма", "программа",
    "regional", "régional", "régionale", "регіональний", "региональный", "national",
    "nacional", "nationale", "international", "internacional", "internationale", "country",
    "país", "pays", "street", "avenue", "road", "calle", "rue", "rua",
    // titles and roles
    "officer", "oficial", "oficiala", "encargado", "encargada", "responsable", "chargé",
    "chargée", "attaché", "attachée", "director", "directora", "directeur", "directrice",
    "diretor", "diretora", "директор", "директорка", "manager", "gerente", "coordinator",
    "coordinador", "coordinadora", "coordonnateur", "coordonnatrice", "coordinateur",
    "coordinatrice", "coordenador", "coordenadora", "координатор", "координаторка",
    "spokesperson", "spokesman", "spokeswoman", "portavoz", "vocero", "vocera", "porte-parole",
    "porta-voz", "речник", "речниця", "представник", "представниця", "представитель",
    "representative", "representante", "représentant", "représentante", "chief", "jefe",
    "jefa", "chef", "cheffe", "chefe", "head", "senior", "principal", "deputy", "adjunto",
    "adjunta", "adjoint", "adjointe", "specialist", "especialista", "spécialiste", "спеціаліст",
    "специалист", "фахівець", "фахівчиня", "adviser", "advisor", "asesor", "asesora",
    "conseiller", "conseillère", "assessor", "assessora", "associate", "assistant", "assistante",
    "asistente", "analyst", "executive", "ejecutivo", "ejecutiva", "exécutif", "exécutive",
    "executivo", "executiva", "secretary", "secretario", "secretaria", "secrétaire",
    "minister", "ministro", "ministra", "ministre", "president", "presidente", "président",
    "présidente", "general", "général", "générale", "керівник", "керівниця", "руководитель",
    "менеджер", "менеджерка", "пресс-секретарь", "сотрудник", "сотрудница", "керівництво",
    "médicos", "médecins", "doctors", "sin", "sans", "without", "fronteras", "frontières", "borders", "sem", "fronteiras", "social", "welfare", "affairs", "health", "education", "mayor", "governor", "alcalde", "alcaldesa", "gobernador", "gobernadora", "maire",
    "préfet", "préfète", "prefeito", "prefeita", "governador", "governadora", "мер", "губернатор",
    "голова", "глава", "заступник", "заступниця", "заместитель", "начальник", "начальниця",
    "roja", "rouge", "cross", "crescent", "vermelha", "червоний",
    "червоного", "хрест", "хреста", "красный", "красного", "крест", "креста", "الصليب", "الأحمر",
    "الهلال", "coordinador", "coalition", "coalición", "collectif", "coletivo", "colectivo",
    "association", "asociación", "associação", "fundación", "fundação", "fondation", "foundation",
    "university", "universidad", "université", "universidade", "університет", "университет",
    "council", "consejo", "conseil", "conselho", "committee", "comité", "comitê", "committee",
    // the press itself
    "communications", "communication", "comunicación", "comunicaciones", "comunicação",
    "comunicações", "комунікацій", "коммуникаций", "комунікації", "media", "médias", "medios",
    "mídia", "змі", "сми", "press", "presse", "prensa", "imprensa", "преси", "прессы",
    "прес-служба", "пресс-служба", "information", "información", "informação", "informations",
    "інформації", "информации", "relations", "relaciones", "relações", "public", "pública",
    "público", "publique", "external", "externas", "externes", "desk",
    // labels and openers
    "tel", "tél", "phone", "teléfono", "telefone", "email", "e-mail", "courriel", "correo",
    "mobile", "móvil", "cel", "celular", "portable", "fax", "тел", "моб", "for", "the", "para",
    "pour", "contact", "contacts", "contacto", "contactos", "contato", "contatos", "contactar",
    "контакти", "контакты", "please", "por", "favor", "http", "https", "www", "about",
    "acerca", "sobre", "propos", "note", "notes", "editors", "nota", "notas", "read", "more",
    "share", "follow", "news", "noticias", "actualités", "notícias", "новини", "новости",
    // Arabic titles and organisations (folded through transliteration)
    "مدير", "مديرة", "المدير", "المديرة", "مسؤول", "مسؤولة", "المتحدث", "المتحدثة", "الناطق",
    "الناطقة", "مكتب", "المكتب", "المنظمة", "منظمة", "الدولية", "للهجرة", "الإعلام", "الاتصال",
    "الاتصالات", "هاتف", "جوال", "البريد", "الإلكتروني", "المفوضية", "اليونيسف", "برنامج",
    "الأغذية", "العالمي", "الصحة", "الأمم", "المتحدة", "الإقليمي", "الإقليمية", "ممثل", "ممثلة",
    "رئيس", "رئيسة", "باسم", "الإعلامي", "الإعلامية", "لشؤون", "العامة", "العام", "منسق",
    "منسقة", "في", "لدى",
];

static NOT_NAME_FOLDED: LazyLock<HashSet<String>> =
    LazyLock::new(|| NOT_NAME.iter().map(|w| fold(w)).collect());

/// Whether a word (any case, any script) is a title, organisation or label word.
pub fn is_title_word(word: &str) -> bool {
    let folded = fold(word);
    !folded.is_empty() && NOT_NAME_FOLDED.contains(&folded)
}

/// Particles inside names: `María José de la Vega`, `Ahmed bin Said`.
pub const NAME_PARTICLES: &str = r"(?:de|del|della|dei|di|da|das|dos|du|van|von|der|den|ter|le|la|al|el|bin|bint|ben|ibn|abu|wa|ya|ul|ud|ur|d['’]|dal|dell['’]|ould|ag|ван|дер|де|фон|ди|да|аль|ель|бін|бен|ібн)";

/// `In Geneva:`, `En Ginebra,`, `À Genève :` in front of a contact.
pub static LOCATION_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?i:in|en|à|a|em|no|na|у|в|во|في|ف[يى])\s+(?P<place>[\p{Lu}\p{Arabic}][\p{L}\p{M}.’' \-]{1,40}?)\s*(?:\([^)]{1,40}\))?\s*[:,–—]\s*",
    )
    .expect("location prefix regex")
});

/// Month names, lower-cased, in every form a dateline prints them.
static MONTHS: LazyLock<HashMap<String, u32>> = LazyLock::new(|| {
    let by_month: [&[&str]; 12] = [
        &["january", "jan", "enero", "janvier", "janeiro", "січня", "січень", "января", "январь", "يناير", "كانون الثاني", "جانفي"],
        &["february", "feb", "febrero", "février", "fevereiro", "лютого", "лютий", "февраля", "февраль", "فبراير", "شباط", "فيفري"],
        &["march", "mar", "marzo", "mars", "março", "березня", "березень", "марта", "март", "مارس", "آذار"],
        &["april", "apr", "abril", "avril", "квітня", "квітень", "апреля", "апрель", "أبريل", "ابريل", "نيسان", "أفريل"],
        &["may", "mayo", "mai", "maio", "травня", "травень", "мая", "май", "مايو", "أيار", "ماي"],
        &["june", "jun", "junio", "juin", "junho", "червня", "червень", "июня", "июнь", "يونيو", "حزيران", "جوان"],
        &["july", "jul", "julio", "juillet", "julho", "липня", "липень", "июля", "июль", "يوليو", "تموز", "جويلية"],
        &["august", "aug", "agosto", "août", "серпня", "серпень", "августа", "август", "أغسطس", "آب", "أوت"],
        &["september", "sep", "sept", "septiembre", "setiembre", "septembre", "setembro", "вересня", "вересень", "сентября", "сентябрь", "سبتمبر", "أيلول"],
        &["october", "oct", "octubre", "octobre", "outubro", "жовтня", "жовтень", "октября", "октябрь", "أكتوبر", "اكتوبر", "تشرين الأول"],
        &["november", "nov", "noviembre", "novembre", "novembro", "листопада", "листопад", "ноября", "ноябрь", "نوفمبر", "تشرين الثاني"],
        &["december", "dec", "diciembre", "décembre", "dezembro", "грудня", "грудень", "декабря", "декабрь", "ديسمبر", "كانون الأول"],
    ];
    let mut map = HashMap::new();
    for (i, names) in by_month.iter().enumerate() {
        for name in *names {
            map.insert(name.to_lowercase(), i as u32 + 1);
        }
    }
    map
});

/// The month a word names (`March`, `marzo`, `березня`, `آذار/مارس`).
pub fn month(word: &str) -> Option<u32> {
    let lower = word.trim_end_matches('.').to_lowercase();
    let lower = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    MONTHS
        .get(&lower)
        .copied()
        .or_else(|| {
            lower
                .split('/')
                .find_map(|part| MONTHS.get(part.trim()).copied())
        })
        .or_else(|| MONTHS.get(lower.split(' ').next()?).copied())
}

/// Weekday names a dateline may print before its date.
pub const WEEKDAYS: &[&str] = &[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lunes",
    "martes", "miércoles", "jueves", "viernes", "sábado", "domingo", "lundi", "mardi",
    "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "segunda-feira", "terça-feira",
    "quarta-feira", "quinta-feira", "sexta-feira", "понеділок", "вівторок", "середа", "четвер",
    "пʼятниця", "п'ятниця", "субота", "неділя", "понедельник", "вторник", "среда", "четверг",
    "пятница", "суббота", "воскресенье", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة",
    "السبت", "الأحد",
];

/// Words of site navigation and listing lines, never a dateline's place.
pub const NAVIGATION_WORDS: &[&str] = &[
    "home", "news", "press", "releases", "press releases", "stories", "media centre",
    "newsroom", "inicio", "noticias", "comunicados", "sala de prensa", "accueil", "actualités",
    "communiqués", "início", "notícias", "головна", "новини", "главная", "новости", "الرئيسية",
    "أخبار", "الأخبار",
];

/// Words after which a capitalised word is a place or an organisation.
pub const PREPOSITIONS: &[&str] = &[
    "the", "la", "le", "el", "les", "los", "las", "l'", "l’", "in", "at", "of", "for", "from", "en", "de", "del", "à", "au", "aux", "em", "no", "na", "do",
    "da", "dos", "das", "в", "у", "во", "на", "з", "із", "по", "для", "في",
];

/// Parts of hyphenated titles (`Director-General`, `Vice-President`, `Вице-министр`).
const TITLE_PARTS: &[&str] = &[
    "director", "directora", "directeur", "general", "général", "secretary", "secretario",
    "secrétaire", "vice", "deputy", "chief", "under", "sub", "sous", "adjoint", "adjointe",
    "віце", "вице", "міністр", "министр", "генеральний", "генеральный", "директор",
];

static TITLE_PARTS_FOLDED: LazyLock<HashSet<String>> =
    LazyLock::new(|| TITLE_PARTS.iter().map(|w| fold(w)).collect());

/// Whether one part of a hyphenated word is a title's.
pub fn is_title_part(part: &str) -> bool {
    TITLE_PARTS_FOLDED.contains(&fold(part))
}

static PARTICLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!("^(?i:{NAME_PARTICLES})$")).expect("particle regex")
});

/// Whether a word is a particle inside names (`de`, `van`, `Di`, `ла`).
pub fn is_particle(word: &str) -> bool {
    PARTICLE.is_match(word)
}
