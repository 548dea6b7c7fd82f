//! API keys and scopes: who may write, who may see internal details, who
//! administers. Reads are public; a key is only needed for more.

pub mod db;
pub mod handlers;

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, http::header, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::contact_points::read::Audience;
use crate::db::DbPool;
use crate::error::ApiError;

/// What a key may do. `admin` implies the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Scope {
    /// See internal contact points and archived rows.
    #[serde(rename = "read:internal")]
    ReadInternal,
    /// Create, change and archive.
    #[serde(rename = "write")]
    Write,
    /// Keys, restore, export and import, the audit trail.
    #[serde(rename = "admin")]
    Admin,
    /// See releases still under embargo (partners trusted with them).
    #[serde(rename = "read:embargoed")]
    ReadEmbargoed,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadInternal => "read:internal",
            Self::Write => "write",
            Self::Admin => "admin",
            Self::ReadEmbargoed => "read:embargoed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "read:internal" => Some(Self::ReadInternal),
            "write" => Some(Self::Write),
            "admin" => Some(Self::Admin),
            "read:embargoed" => Some(Self::ReadEmbargoed),
            _ => None,
        }
    }
}

/// The key a request was made with, if any.
#[derive(Debug, Clone)]
pub struct KeyIdentity {
    pub id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
}

/// Who is calling: anonymous, or a valid key.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub key: Option<KeyIdentity>,
}

impl Caller {
    pub fn has(&self, scope: Scope) -> bool {
        self.key
            .as_ref()
            .is_some_and(|k| k.scopes.contains(&Scope::Admin) || k.scopes.contains(&scope))
    }

    /// 401 without a key, 403 with a key that lacks the scope.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        match &self.key {
            None => Err(ApiError::Unauthorized(format!(
                "This needs an API key with the {} scope (Authorization: Bearer <key>).",
                scope.as_str()
            ))),
            Some(_) if self.has(scope) => Ok(()),
            Some(key) => Err(ApiError::Forbidden {
                detail: format!(
                    "The key '{}' does not have the {} scope.",
                    key.name,
                    scope.as_str()
                ),
                scope: scope.as_str(),
            }),
        }
    }

    /// Which contact points this caller may see.
    pub fn audience(&self) -> Audience {
        if self.has(Scope::ReadInternal) {
            Audience::Internal
        } else {
            Audience::Public
        }
    }

    /// Whether releases still under embargo are shown to this caller: keys
    /// with `read:embargoed` (partners trusted with them) and the press
    /// office's own writers, who prepare them.
    pub fn sees_embargoed(&self) -> bool {
        self.has(Scope::ReadEmbargoed) || self.has(Scope::Write)
    }

    /// Archived rows as tombstones need `read:internal`.
    pub fn allow_archived(&self, include_archived: Option<bool>) -> Result<bool, ApiError> {
        if include_archived.unwrap_or(false) {
            self.require(Scope::ReadInternal)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Who the audit trail names for this caller's writes.
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor::new(
            self.key
                .as_ref()
                .map(|k| k.name.clone())
                .unwrap_or_else(|| "anonymous".into()),
        )
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // Decided by the guard middleware before the body was read.
        if let Some(caller) = req.extensions().get::<Caller>().cloned() {
            return Box::pin(async move { Ok(caller) });
        }
        let header = req
            .headers()
            .get(header::AUTHORIZATION)
            .map(|v| v.to_str().map(str::to_string));
        let pool = req.app_data::<web::Data<DbPool>>().cloned();
        Box::pin(async move {
            let Some(header) = header else {
                return Ok(Caller::default());
            };
            let token = header
                .ok()
                .and_then(|h| h.strip_prefix("Bearer ").map(|t| t.trim().to_string()))
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    ApiError::Unauthorized("Send the key as `Authorization: Bearer <key>`.".into())
                })?;
            let pool = pool.ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("no database pool registered"))
            })?;
            let key = pool.run(move |conn| db::authenticate(conn, &token)).await?;
            Ok(Caller { key: Some(key) })
        })
    }
}
