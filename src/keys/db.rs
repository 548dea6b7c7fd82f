//! Key storage: 256-bit random tokens, shown once, kept as SHA-256.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use subtle::ConstantTimeEq;
use utoipa::ToSchema;

use super::{KeyIdentity, Scope};
use crate::audit::Actor;
use crate::db::schema::api_keys;
use crate::db::{DbConn, new_id, now, write_transaction};
use crate::error::ApiError;

/// An `api_keys` row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub token_hash: String,
    pub scopes: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// A key as listed: never its token.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyResponse {
    pub id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<ApiKey> for ApiKeyResponse {
    fn from(k: ApiKey) -> Self {
        Self {
            scopes: parse_scopes(&k.scopes),
            id: k.id,
            name: k.name,
            created_at: k.created_at.and_utc(),
            last_used_at: k.last_used_at.map(|t| t.and_utc()),
            revoked_at: k.revoked_at.map(|t| t.and_utc()),
        }
    }
}

/// A new key with its token, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKeyResponse,
    /// The secret. It is not stored and cannot be shown again.
    pub token: String,
}

fn parse_scopes(text: &str) -> Vec<Scope> {
    text.split(' ').filter_map(Scope::parse).collect()
}

fn hash(token: &str) -> String {
    crate::text::sha256_hex(token.as_bytes())
}

/// How often `last_used_at` is written for a busy key: not on every request.
const LAST_USED_PRECISION: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// The key a token belongs to; 401 when unknown or revoked.
pub fn authenticate(conn: &mut DbConn, token: &str) -> Result<KeyIdentity, ApiError> {
    let unauthorized = || ApiError::Unauthorized("The key is unknown or revoked.".into());
    let token_hash = hash(token);
    let key: ApiKey = api_keys::table
        .filter(api_keys::token_hash.eq(&token_hash))
        .select(ApiKey::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(unauthorized)?;
    // The lookup is by hash already; compare again without an early exit.
    if !bool::from(key.token_hash.as_bytes().ct_eq(token_hash.as_bytes()))
        || key.revoked_at.is_some()
    {
        return Err(unauthorized());
    }
    let at = now();
    if key
        .last_used_at
        .is_none_or(|last| at - last > LAST_USED_PRECISION)
    {
        diesel::update(api_keys::table.find(&key.id))
            .set(api_keys::last_used_at.eq(at))
            .execute(conn)?;
    }
    Ok(KeyIdentity {
        scopes: parse_scopes(&key.scopes),
        id: key.id,
        name: key.name,
    })
}

/// Creates a key; the token is returned once and never stored.
pub fn create_key(
    conn: &mut DbConn,
    actor: &Actor,
    name: &str,
    scopes: &[Scope],
) -> Result<CreatedApiKey, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "name",
            "length",
            "name must have 1 to 100 printable characters",
        ));
    }
    if scopes.is_empty() || scopes.len() > 3 {
        return Err(ApiError::invalid(
            "scopes",
            "length",
            "one to three scopes: read:internal, write or admin",
        ));
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let token = format!(
        "pd_{}",
        secret
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let mut names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    names.sort();
    names.dedup();
    let key = ApiKey {
        id: new_id(),
        name: name.to_string(),
        token_hash: hash(&token),
        scopes: names.join(" "),
        created_at: now(),
        last_used_at: None,
        revoked_at: None,
    };
    let listed = ApiKeyResponse::from(key.clone());
    write_transaction(conn, |conn| {
        diesel::insert_into(api_keys::table)
            .values(&key)
            .execute(conn)?;
        crate::audit::record(
            conn,
            actor,
            "create",
            "api_key",
            &key.id,
            None,
            Some(&listed),
        )
    })?;
    Ok(CreatedApiKey { key: listed, token })
}

pub fn list_keys(conn: &mut DbConn) -> QueryResult<Vec<ApiKey>> {
    api_keys::table
        .order(api_keys::id.asc())
        .select(ApiKey::as_select())
        .load(conn)
}

/// Revokes a key by id or name; revoking twice is harmless.
pub fn revoke_key(conn: &mut DbConn, actor: &Actor, key: &str) -> Result<ApiKey, ApiError> {
    write_transaction(conn, |conn| {
        let found: ApiKey = api_keys::table
            .filter(api_keys::id.eq(key).or(api_keys::name.eq(key)))
            .select(ApiKey::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| ApiError::not_found("API key", key))?;
        if found.revoked_at.is_none() {
            let before = ApiKeyResponse::from(found.clone());
            crate::audit::record(
                conn,
                actor,
                "revoke",
                "api_key",
                &found.id,
                Some(&before),
                None,
            )?;
            diesel::update(api_keys::table.find(&found.id))
                .set(api_keys::revoked_at.eq(now()))
                .execute(conn)?;
        }
        Ok(api_keys::table
            .find(&found.id)
            .select(ApiKey::as_select())
            .first(conn)?)
    })
}
