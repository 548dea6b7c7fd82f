//! schema.org JSON-LD for people, offices and releases
//! (`Accept: application/ld+json`).

use serde_json::{Value, json};

use crate::contact_points::model::{ContactKind, ContactPointResponse};
use crate::offices::model::{OfficeResponse, OfficeSummary};
use crate::people::model::PersonResponse;
use crate::reach::Hours;
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

/// schema.org `OpeningHoursSpecification`s: one per weekly range (local
/// times; the zone is the office's, which schema.org has no property for
/// here), and one per exception with `validFrom`/`validThrough` and no
/// hours, which is how schema.org writes "closed".
fn hours_available(hours: &Hours) -> Vec<Value> {
    let mut specs: Vec<Value> = vec![];
    for (_, day, ranges) in hours.weekly.days() {
        for r in ranges {
            specs.push(json!({
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": format!("https://schema.org/{day}"),
                "opens": r.from,
                "closes": if r.to == "24:00" { "23:59:59" } else { r.to.as_str() },
            }));
        }
    }
    for e in &hours.exceptions {
        specs.push(json!({
            "@type": "OpeningHoursSpecification",
            "validFrom": e.from,
            "validThrough": e.to,
            "description": e.note,
        }));
    }
    specs
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
        "contactPoint": contact_points(&p.contact_points)
            .into_iter()
            .map(|mut point| {
                if let Some(hours) = &p.hours {
                    point["hoursAvailable"] = Value::Array(hours_available(hours));
                }
                point
            })
            .collect::<Vec<_>>(),
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
