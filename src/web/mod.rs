//! The journalists' page: the directory, searchable, on the same server.
//!
//! Rendered here with maud (templates compiled into the binary), so it
//! works without JavaScript: the search box is a plain GET form. A few
//! kilobytes of script (`app.js`) then search as one types, through the
//! public API. Only public data is ever shown, whatever key a browser sends.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::contact_points::model::{ContactKind, ContactPointResponse};
use crate::contact_points::read::Audience;
use crate::duty::model::OnDutyResponse;
use crate::error::ApiError;
use crate::http::ReadPool;
use crate::offices::model::{OfficeResponse, OfficeSummary};
use crate::paging::PageRequest;
use crate::people::model::{PersonListQuery, PersonResponse, Role};
use crate::reach::Hours;
use crate::releases::model::FeedQuery;

/// Results shown for a search, as the script shows them.
const RESULTS: u32 = 20;

const SCRIPT: &str = include_str!("app.js");
const STYLE: &str = include_str!("style.css");

pub use crate::formats::Organisation;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(home)
        .service(person_page)
        .service(office_page)
        .service(release_page)
        .service(script)
        .service(style);
}

fn layout(org: &Organisation, title: &str, feed: Option<&FeedQuery>, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (org.0) " media contacts" }
                link rel="stylesheet" href="/assets/style.css";
                @if let Some(feed) = feed {
                    // Feed readers find the releases' feeds from the page.
                    link rel="alternate" type="application/atom+xml" title={ (org.0) " press releases (Atom)" }
                        href={ "/api/v1/feeds/releases.atom" (feed.query_string()) };
                    link rel="alternate" type="application/feed+json" title={ (org.0) " press releases (JSON Feed)" }
                        href={ "/api/v1/feeds/releases.json" (feed.query_string()) };
                }
                script src="/assets/app.js" defer {}
            }
            body {
                header {
                    a.home href="/" { (org.0) }
                    span.sub { "Media contacts" }
                }
                main { (main) }
                footer {
                    "Developers: " a href="/docs/" { "the API" } " (" a href="/openapi.json" { "OpenAPI" } ")."
                }
            }
        }
    }
}

fn page(markup: Markup) -> HttpResponse {
    html_response(StatusCode::OK, markup.into_string())
}

fn html_response(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(csp())
        .body(body)
}

/// Scripts and styles from this server only: nothing inline, nothing from elsewhere.
fn csp() -> (header::HeaderName, &'static str) {
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
}

/// A failure answered as a page (a browser reads HTML, not problem+json).
#[derive(Debug)]
struct PageFailure {
    status: StatusCode,
    body: String,
}

impl PageFailure {
    fn new(org: &Organisation, error: ApiError) -> Self {
        Self {
            status: actix_web::ResponseError::status_code(&error),
            body: failure_page(org, &error),
        }
    }
}

/// The page a browser is shown for an error (public for the spec's examples).
pub fn failure_page(org: &Organisation, error: &ApiError) -> String {
    let problem = error.problem();
    layout(
        org,
        &problem.title,
        None,
        html! {
            h1 { (problem.title) }
            p { (problem.detail) }
            p { a href="/" { "Search the directory" } }
        },
    )
    .into_string()
}

impl std::fmt::Display for PageFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "page answered {}", self.status)
    }
}

impl actix_web::ResponseError for PageFailure {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        html_response(self.status, self.body.clone())
    }
}

fn country_name(code: &str) -> String {
    isocountry::CountryCode::for_alpha2(code)
        .map(|c| c.name().to_string())
        .unwrap_or_else(|_| code.to_string())
}

/// The office's local time now, which the script keeps current.
fn local_time(timezone: &str) -> Markup {
    let now = timezone
        .parse::<chrono_tz::Tz>()
        .map(|tz| {
            chrono::Utc::now()
                .with_timezone(&tz)
                .format("%H:%M")
                .to_string()
        })
        .unwrap_or_default();
    html! {
        span.time { "local time " time.clock data-tz=(timezone) { (now) } " (" (timezone) ")" }
    }
}

fn place(city: Option<&str>, country: Option<&str>) -> String {
    let country = country.map(country_name);
    [city, country.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
}

fn office_line(office: &OfficeSummary) -> Markup {
    html! {
        p.office {
            a href={ "/offices/" (office.slug) } { (office.name) }
            @let where_ = place(office.city.as_deref(), office.country_code.as_deref());
            @if !where_.is_empty() { " · " (where_) }
            @if let Some(tz) = &office.timezone { " · " (local_time(tz)) }
        }
    }
}

fn contacts(points: &[ContactPointResponse]) -> Markup {
    html! {
        @if !points.is_empty() {
            ul.contacts {
                @for cp in points {
                    li {
                        a href=(cp.uri) { (cp.display) }
                        " "
                        span.label { (cp.label.clone().unwrap_or_else(|| kind_label(cp.kind).into())) }
                    }
                }
            }
        }
    }
}

/// A line of its own for a press line that is not the person's.
fn press_line(cp: &ContactPointResponse, label: &str, class: &str) -> Markup {
    html! {
        ul.contacts.(class) {
            li {
                a href=(cp.uri) { (cp.display) }
                " "
                span.label { (label) }
            }
        }
    }
}

/// `in 45 min`, `in 6 h`, `in 3 days`: how long until `then`.
fn wait(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let minutes = (then - now).num_minutes().max(0);
    match minutes {
        0..=59 => format!("in {minutes} min"),
        // Rounded to the nearest hour under two days.
        60..=2879 => format!("in {} h", (minutes + 30) / 60),
        _ => format!("in {} days", (minutes + 720) / 1440),
    }
}

/// When `then` is, in the office's zone: `08:00`, or `Mon 08:00` when it
/// is not today there.
fn local_clock(now: DateTime<Utc>, then: DateTime<Utc>, timezone: Option<&str>) -> String {
    let tz: chrono_tz::Tz = timezone
        .and_then(|t| t.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    let (now, then) = (now.with_timezone(&tz), then.with_timezone(&tz));
    if now.date_naive() == then.date_naive() {
        then.format("%H:%M").to_string()
    } else {
        then.format("%a %H:%M").to_string()
    }
}

/// "Available now", or when next; nothing when their hours are unknown.
/// `app.js` writes the same.
fn reach_line(
    available_now: Option<bool>,
    next: Option<DateTime<Utc>>,
    timezone: Option<&str>,
) -> Markup {
    let now = Utc::now();
    html! {
        @match (available_now, next) {
            (Some(true), _) => p.reach.now { "Available now" },
            (Some(false), Some(next)) => p.reach.later {
                "Next available "
                time datetime=(next.to_rfc3339()) { (local_clock(now, next, timezone)) }
                " local time (" (wait(now, next)) ")"
            },
            (Some(false), None) => p.reach.later { "Not available (no hours ahead)" },
            (None, _) => {},
        }
    }
}

/// A photo, lazy-loaded, or the initials in its place.
fn portrait(person: &PersonResponse) -> Markup {
    html! {
        @if let Some(url) = &person.photo_url {
            img.photo src=(url) loading="lazy" decoding="async" width="64" height="64"
                alt={ "Photo of " (person.full_name) };
        } @else {
            span.photo.initials aria-hidden="true" { (initials(&person.full_name)) }
        }
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphabetic()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

fn kind_label(kind: ContactKind) -> &'static str {
    match kind {
        ContactKind::Phone => "Phone",
        ContactKind::Mobile => "Mobile",
        ContactKind::Email => "Email",
        ContactKind::Fax => "Fax",
    }
}

const DUTY_LABEL: &str = "Duty press line, always answered";
const PRESS_LINE_LABEL: &str = "Office press line";

/// How to reach a person: the office's duty line first, when it has one,
/// then their own contacts, then the office's press line when they have no
/// phone.
fn reach_person(person: &PersonResponse) -> Markup {
    let timezone = person.office.as_ref().and_then(|o| o.timezone.as_deref());
    html! {
        (reach_line(person.available_now, person.next_available_at, timezone))
        @if let Some(line) = &person.office_duty_line { (press_line(line, DUTY_LABEL, "duty")) }
        (contacts(&person.contact_points))
        // The press line, unless it is the duty line shown above.
        @if let Some(line) = person.office_press_line.as_ref().filter(|l| person.office_duty_line.as_ref().is_none_or(|d| d.id != l.id)) {
            (press_line(line, PRESS_LINE_LABEL, "press"))
        }
    }
}

fn name_heading(person: &PersonResponse) -> Markup {
    html! {
        (person.full_name)
        @if let Some(pronouns) = &person.pronouns { " " span.pronouns { "(" (pronouns) ")" } }
    }
}

/// One person in a result list; `app.js` builds the same markup.
fn person_card(person: &PersonResponse) -> Markup {
    html! {
        li.person {
            (portrait(person))
            div.who {
                h3 { a href={ "/people/" (person.slug) } { (name_heading(person)) } }
                @if let Some(title) = &person.job_title { p.title { (title) } }
                @if let Some(office) = &person.office { (office_line(office)) }
                (reach_person(person))
                a.vcard href={ "/api/v1/people/" (person.id) "/vcard" } download { "Add to contacts (vCard)" }
            }
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct HomeQuery {
    /// What to search for; without it, the page lists the offices.
    q: Option<String>,
}

/// What the pages answer besides the page: HTML pages for what a reader
/// can meet, problem+json for a malformed request.
#[derive(utoipa::IntoResponses)]
pub enum PageErrors {
    /// A malformed query string.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(crate::error::Problem),
    /// No such person, office or release (an HTML page saying so).
    #[response(status = 404, content_type = "text/html")]
    NotFound(String),
    /// Too many requests from this address; see `Retry-After`.
    #[response(status = 429, content_type = "application/problem+json")]
    RateLimited(crate::error::Problem),
    /// Something failed on the server (an HTML page saying so).
    #[response(status = 500, content_type = "text/html")]
    Internal(String),
    /// The database is unavailable (an HTML page saying so).
    #[response(status = 503, content_type = "text/html")]
    Unavailable(String),
}

/// The journalists' page: search, or the offices.
#[utoipa::path(
    tag = "pages",
    params(HomeQuery),
    responses((status = 200, description = "The page, with results for `q`", content_type = "text/html", body = String), PageErrors)
)]
#[get("/")]
async fn home(
    org: web::Data<Organisation>,
    pool: ReadPool,
    searcher: crate::search::Searcher,
    crate::http::QueryParams(query): crate::http::QueryParams<HomeQuery>,
) -> Result<HttpResponse, PageFailure> {
    let q = query.q.clone().unwrap_or_default().trim().to_string();
    let search = q.clone();
    let (people, offices) = pool
        .run(move |conn| {
            if search.is_empty() {
                let offices = crate::offices::db::list_offices(
                    conn,
                    &searcher,
                    &Default::default(),
                    &PageRequest::largest(),
                    false,
                )?;
                return Ok((vec![], offices.items));
            }
            let filter = PersonListQuery {
                q: Some(search),
                ..Default::default()
            };
            let page = crate::people::db::list_people(
                conn,
                &searcher,
                &filter,
                &PageRequest::new(Some(RESULTS), None)?,
                false,
            )?;
            let people = crate::people::db::embed(conn, page.items, Audience::Public)?;
            Ok((people, vec![]))
        })
        .await
        .map_err(|error| PageFailure::new(&org, error))?;
    let title = if q.is_empty() {
        "Directory".to_string()
    } else {
        format!("“{q}”")
    };
    Ok(page(layout(
        &org,
        &title,
        Some(&FeedQuery::default()),
        html! {
            h1 { "Media contacts" }
            form role="search" action="/" method="get" {
                label for="q" { "Find a spokesperson or media contact" }
                div.box {
                    input #q type="search" name="q" value=(q) autocomplete="off" autofocus
                        placeholder="Name, office, city, country, topic or phone"
                        aria-describedby="hint" aria-controls="results";
                    button type="submit" { "Search" }
                }
                p #hint { "Results appear as you type. Accents and punctuation do not matter." }
            }
            p #status role="status" aria-live="polite" {
                @if !q.is_empty() {
                    @match people.len() {
                        0 => { "No one found for “" (q) "”." }
                        1 => { "1 person found." }
                        n => { (n) " people found" @if n as u32 == RESULTS { " (the first " (RESULTS) ")" } "." }
                    }
                }
            }
            h2.visually-hidden { "Results" }
            ul #results.results { @for person in &people { (person_card(person)) } }
            @if q.is_empty() {
                section #offices {
                    h2 { "Offices" }
                    ul.offices {
                        @for office in &offices {
                            @let summary = OfficeSummary::from(office);
                            li { (office_line(&summary)) }
                        }
                    }
                }
            }
        },
    )))
}

/// A person's page: contacts and the releases they appear in.
#[utoipa::path(
    tag = "pages",
    params(("id" = String, Path, description = "Id or slug")),
    responses((status = 200, description = "The person's page", content_type = "text/html", body = String), PageErrors)
)]
#[get("/people/{id}")]
async fn person_page(
    org: web::Data<Organisation>,
    pool: ReadPool,
    id: web::Path<String>,
) -> Result<HttpResponse, PageFailure> {
    let key = id.into_inner();
    let (person, appearances) = pool
        .run(move |conn| {
            let person = crate::people::db::find_person(conn, &key, false)?;
            let page = PageRequest::largest();
            let appearances =
                crate::releases::db::for_person(conn, &person.id, None, &page, false)?.items;
            let person = crate::people::db::embed_one(conn, person, Audience::Public)?;
            Ok((person, appearances))
        })
        .await
        .map_err(|error| PageFailure::new(&org, error))?;
    let feed = FeedQuery {
        person: Some(person.slug.clone()),
        ..Default::default()
    };
    Ok(page(layout(
        &org,
        &person.full_name,
        Some(&feed),
        html! {
            article.person {
                (portrait(&person))
                h1 { (name_heading(&person)) }
                @if let Some(title) = &person.job_title { p.title { (title) } }
                @if let Some(office) = &person.office { (office_line(office)) }
                (reach_person(&person))
                @if let Some(hours) = person.hours.as_ref().or(person.office.as_ref().and_then(|o| o.hours.as_ref())) {
                    (hours_lines(hours, person.office.as_ref().and_then(|o| o.timezone.as_deref())))
                }
                @if !person.social_profiles.is_empty() {
                    p.profiles {
                        @for (i, profile) in person.social_profiles.iter().enumerate() {
                            @if i > 0 { " · " }
                            a href=(profile.url) rel="me nofollow" { (profile.service) }
                        }
                    }
                }
                @if !person.languages.is_empty() { p { "Languages: " (person.languages.join(", ")) } }
                @if !person.topics.is_empty() { p { "Topics: " (person.topics.join(", ")) } }
                @if let Some(bio) = &person.bio { p.bio { (bio) } }
                a.vcard href={ "/api/v1/people/" (person.id) "/vcard" } download { "Add to contacts (vCard)" }
            }
            section {
                h2 { "In press releases" }
                @if appearances.is_empty() { p { "None yet." } }
                ul.releases {
                    @for a in &appearances {
                        li {
                            span.role { (role_label(a.role)) }
                            " in "
                            a href={ "/releases/" (a.release.slug) } { (a.release.title) }
                            @if let Some(date) = a.release.published_on { " (" (date) ")" }
                            @if let Some(title) = &a.title_as_printed { br; small { "as “" (title) "”" } }
                        }
                    }
                }
            }
        },
    )))
}

/// Weekly hours in a line, and the days off still ahead.
fn hours_lines(hours: &Hours, timezone: Option<&str>) -> Markup {
    let today = timezone
        .and_then(|t| t.parse::<chrono_tz::Tz>().ok())
        .map(|tz| Utc::now().with_timezone(&tz).date_naive())
        .unwrap_or_else(|| Utc::now().date_naive());
    let summary = hours.weekly_summary();
    html! {
        p.hours {
            "Hours: "
            @if summary.is_empty() { "none listed" } @else { (summary) }
            @if let Some(tz) = timezone { " (" (tz) ")" }
        }
        @let ahead: Vec<_> = hours.exceptions.iter().filter(|e| e.to >= today).take(5).collect();
        @if !ahead.is_empty() {
            ul.closed {
                @for e in ahead {
                    li {
                        "Not available " (e.from.format("%-d %b"))
                        @if e.to != e.from { " to " (e.to.format("%-d %b %Y")) } @else { (e.from.format(" %Y")) }
                        @if let Some(note) = &e.note { ": " (note) }
                    }
                }
            }
        }
    }
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Quoted => "Quoted",
        Role::MediaContact => "Media contact",
        Role::Mentioned => "Mentioned",
    }
}

/// An office's page: its contact points and people.
#[utoipa::path(
    tag = "pages",
    params(("id" = String, Path, description = "Id or slug")),
    responses((status = 200, description = "The office's page", content_type = "text/html", body = String), PageErrors)
)]
#[get("/offices/{id}")]
async fn office_page(
    org: web::Data<Organisation>,
    pool: ReadPool,
    id: web::Path<String>,
) -> Result<HttpResponse, PageFailure> {
    let key = id.into_inner();
    let (office, points, people, now): (OfficeResponse, _, Vec<PersonResponse>, OnDutyResponse) =
        pool.run(move |conn| {
            let (office, points) =
                crate::offices::handlers::office_with_points(conn, &key, Audience::Public)?;
            let now = crate::duty::handlers::reachable_at(conn, &office.id, Utc::now())?;
            let filter = PersonListQuery {
                office: Some(office.id.clone()),
                ..Default::default()
            };
            let page = PageRequest::largest();
            // No query: the searcher is never asked.
            let sql = crate::search::Searcher::default();
            let people = crate::people::db::list_people(conn, &sql, &filter, &page, false)?;
            let people = crate::people::db::embed(conn, people.items, Audience::Public)?;
            Ok((office, points, people, now))
        })
        .await
        .map_err(|error| PageFailure::new(&org, error))?;
    let where_ = place(office.city.as_deref(), office.country_code.as_deref());
    let feed = FeedQuery {
        office: Some(office.slug.clone()),
        ..Default::default()
    };
    Ok(page(layout(
        &org,
        &office.name,
        Some(&feed),
        html! {
            article.office {
                h1 { (office.name) }
                p {
                    @if !where_.is_empty() { (where_) }
                    @if let Some(tz) = &office.timezone { " · " (local_time(tz)) }
                }
                @if let Some(line) = &now.duty_line { (press_line(line, DUTY_LABEL, "duty")) }
                (reach_line(office.available_now, office.next_available_at, office.timezone.as_deref()))
                @if let Some(hours) = &office.hours { (hours_lines(hours, office.timezone.as_deref())) }
                @if let Some(address) = &office.address { p { (address) } }
                @if let Some(site) = &office.website { p { a href=(site) { (site) } } }
                // The duty line is shown above, once.
                @let others: Vec<_> = points.iter().filter(|cp| now.duty_line.as_ref().is_none_or(|d| d.id != cp.id)).cloned().collect();
                (contacts(&others))
                a.vcard href={ "/api/v1/offices/" (office.id) "/vcard" } download { "Add to contacts (vCard)" }
            }
            section #now {
                h2 { "Who can I reach now?" }
                @if !now.on_duty.is_empty() {
                    h3 { "On duty" }
                    ul.results {
                        @for duty in &now.on_duty {
                            (person_card(&duty.person))
                        }
                    }
                }
                @if !now.available.is_empty() {
                    h3 { "Available by their hours" }
                    ul.results { @for person in &now.available { (person_card(person)) } }
                }
                @if now.on_duty.is_empty() && now.available.is_empty() {
                    p.nobody {
                        "Nobody is on duty or within their hours now."
                        @if let Some(next) = now.next_available_at {
                            " Next: "
                            time datetime=(next.to_rfc3339()) { (local_clock(now.at, next, office.timezone.as_deref())) }
                            " local time (" (wait(now.at, next)) ")."
                        }
                        @if now.duty_line.is_some() { " The duty press line above is always answered." }
                    }
                }
            }
            section {
                h2 { "People" }
                @if people.is_empty() { p { "No one listed yet." } }
                ul.results { @for person in &people { (person_card(person)) } }
            }
        },
    )))
}

/// A release's page: its people and text.
#[utoipa::path(
    tag = "pages",
    params(("id" = String, Path, description = "Id or slug")),
    responses((status = 200, description = "The release's page", content_type = "text/html", body = String), PageErrors)
)]
#[get("/releases/{id}")]
async fn release_page(
    org: web::Data<Organisation>,
    pool: ReadPool,
    id: web::Path<String>,
) -> Result<HttpResponse, PageFailure> {
    let key = id.into_inner();
    let release = pool
        .run(move |conn| {
            // The page is public: an embargoed release is not there yet.
            let release = crate::releases::db::find_visible(conn, &key, false)?;
            Ok(crate::releases::db::embed_one(conn, release)?)
        })
        .await
        .map_err(|error| PageFailure::new(&org, error))?;
    let feed = FeedQuery {
        office: release.office.as_ref().map(|o| o.slug.clone()),
        ..Default::default()
    };
    Ok(page(layout(
        &org,
        &release.title,
        Some(&feed),
        html! {
            article.release {
                h1 { (release.title) }
                p.meta {
                    @if let Some(dateline) = &release.dateline { (dateline) }
                    @if let Some(date) = release.published_on { " · " (date) }
                    @if let Some(office) = &release.office { " · " a href={ "/offices/" (office.slug) } { (office.name) } }
                }
                @if let Some(url) = &release.url { p { a href=(url) { "The release as published" } } }
                ul.people {
                    @for a in &release.appearances {
                        li {
                            a href={ "/people/" (a.person.slug) } { (a.person.full_name) }
                            " · " (role_label(a.role))
                            @if let Some(quote) = &a.quote { blockquote { (quote) } }
                        }
                    }
                }
                @if let Some(body) = &release.body {
                    @for paragraph in body.split("\n\n") { p { (paragraph) } }
                }
            }
        },
    )))
}

/// Assets change only with the binary: a day's caching, revalidated after.
fn asset(content_type: &str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(86_400),
        ]))
        .body(body)
}

/// The page's script.
#[utoipa::path(tag = "pages", responses((status = 200, description = "JavaScript", content_type = "text/javascript", body = String)))]
#[get("/assets/app.js")]
async fn script() -> HttpResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// The page's style sheet.
#[utoipa::path(tag = "pages", responses((status = 200, description = "CSS", content_type = "text/css", body = String)))]
#[get("/assets/style.css")]
async fn style() -> HttpResponse {
    asset("text/css; charset=utf-8", STYLE)
}
