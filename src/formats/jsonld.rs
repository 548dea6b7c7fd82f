//! schema.org JSON-LD for people, offices and releases
//! (`Accept: application/ld+json`).

use serde_json::{Value, json};

use crate::contact_points::model::{ContactKind, ContactPointResponse};
use crate::offices::model::{OfficeResponse, OfficeSummary};
use crate::people::model::PersonResponse;
use crate::releases::model::ReleaseResponse;

pub const CONTENT_TYPE: &str = "application/ld+json";

fn contact_points(points: &[ContactPointResponse]) -> Vec<Value> {
    points
        .iter()
        .map(|cp| match cp.kind {
            ContactKind::Email => {
                json!({"@type": "ContactPoint", "email": cp.value, "contactType": cp.label})
            }
            ContactKind::Fax => {
                json!({"@type": "ContactPoint", "faxNumber": cp.value, "contactType": cp.label})
            }
            _ => json!({"@type": "ContactPoint", "telephone": cp.value, "contactType": cp.label}),
        })
        .collect()
}

fn office_ref(office: &OfficeSummary, base: &str) -> Value {
    json!({"@type": "Organization", "@id": format!("{base}/api/v1/offices/{}", office.id), "name": office.name})
}

pub fn person(p: &PersonResponse, base: &str) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "Person",
        "@id": format!("{base}/api/v1/people/{}", p.id),
        "name": p.full_name,
        "givenName": p.given_name,
        "familyName": p.family_name,
        "jobTitle": p.job_title,
        "worksFor": p.office.as_ref().map(|o| office_ref(o, base)),
        "knowsLanguage": p.languages,
        "knowsAbout": p.topics,
        "description": p.bio,
        // schema.org has no pronouns; profiles elsewhere are `sameAs`.
        "sameAs": p.social_profiles.iter().map(|s| s.url.as_str()).collect::<Vec<_>>(),
        "contactPoint": contact_points(&p.contact_points),
    })
}

pub fn office(o: &OfficeResponse, points: &[ContactPointResponse], base: &str) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": format!("{base}/api/v1/offices/{}", o.id),
        "name": o.name,
        "url": o.website,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": o.address,
            "addressLocality": o.city,
            "addressRegion": o.region,
            "addressCountry": o.country_code,
        },
        "parentOrganization": o.parent_id.as_ref().map(|id| json!({"@id": format!("{base}/api/v1/offices/{id}")})),
        "contactPoint": contact_points(points),
    })
}

pub fn release(r: &ReleaseResponse, base: &str) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": format!("{base}/api/v1/releases/{}", r.id),
        "headline": r.title,
        "dateline": r.dateline,
        "datePublished": r.published_on,
        "inLanguage": r.language,
        "url": r.url,
        "abstract": r.summary,
        "articleBody": r.body,
        "publisher": r.office.as_ref().map(|o| office_ref(o, base)),
        "mentions": r.appearances.iter().map(|a| json!({
            "@type": "Person",
            "@id": format!("{base}/api/v1/people/{}", a.person.id),
            "name": a.person.full_name,
            "jobTitle": a.title_as_printed,
        })).collect::<Vec<_>>(),
    })
}

/// A JSON-LD answer.
pub fn response(value: &Value) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .body(value.to_string())
}
