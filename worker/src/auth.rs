//! Bearer tokens: JWTs verified in the worker, HS256 with a secret or EdDSA (Ed25519) with public
//! keys: one key, or a JWKS of several selected by the token's `kid`, so keys rotate without
//! downtime (publish the new key, sign with it, drop the old one once its tokens expired).
//!
//! The worker only verifies. Nothing here signs: production holds public keys (and, if HS256 is
//! used, a secret set with `wrangler secret put`), and local development mints tokens outside
//! the worker with the dev secret `.dev.vars` holds (generated per checkout, never committed).
//!
//! A token must name its user (`sub`), issuer, audience, issue time (`iat`, not in the future)
//! and expiry (`exp`, at most [`AuthConfig::max_lifetime_seconds`] after `iat`), and may not
//! ask for header extensions (`crit`) the worker does not implement: it implements none.

use crate::api_error::ApiError;
use jwt_compact::alg::{Ed25519, Hs256, Hs256Key};
use jwt_compact::jwk::JsonWebKey;
use jwt_compact::{AlgorithmExt, Claims, TimeOptions, UntrustedToken, ValidationError};
use serde::Deserialize;

/// Seconds of clock skew tolerated on `exp`, `nbf` and `iat`.
const LEEWAY_SECONDS: i64 = 30;
/// The shortest HS256 secret accepted (RFC 7518 3.2: a key as long as the hash, 256 bits).
pub const MIN_HS256_SECRET_BYTES: usize = 32;
/// The longest token lifetime (`exp` - `iat`) accepted unless configured otherwise: one day.
pub const DEFAULT_MAX_LIFETIME_SECONDS: i64 = 24 * 3600;
/// The `scope` value that makes a token's user a provisioner: one who may create, upgrade and
/// import organizations (`orgspace_core::membership::provision`).
pub const PROVISION_SCOPE: &str = "orgspace:provision";

/// How tokens are verified, from the worker's configuration.
#[derive(Clone)]
pub struct AuthConfig {
    /// The HS256 secret, when HS256 tokens are accepted.
    pub hs256_secret: Option<Vec<u8>>,
    /// The Ed25519 public key, when EdDSA tokens without `kid` are accepted.
    pub eddsa_key: Option<ed25519_compact::PublicKey>,
    /// Ed25519 public keys by `kid` (a JWKS), for tokens that name their key.
    pub key_set: Vec<(String, ed25519_compact::PublicKey)>,
    /// The longest lifetime (`exp` - `iat`) a token may have, in seconds.
    pub max_lifetime_seconds: i64,
    /// The required `iss`.
    pub issuer: String,
    /// The required `aud` (or one of them).
    pub audience: String,
}

impl core::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The secret stays out of logs.
        f.debug_struct("AuthConfig")
            .field("hs256", &self.hs256_secret.is_some())
            .field("eddsa", &self.eddsa_key.is_some())
            .field(
                "key_set",
                &self.key_set.iter().map(|(kid, _)| kid).collect::<Vec<_>>(),
            )
            .field("max_lifetime_seconds", &self.max_lifetime_seconds)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish()
    }
}

#[derive(Deserialize)]
struct Identity {
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    aud: Option<Audience>,
    /// OAuth 2.0 scopes, space-separated (RFC 8693 4.2, RFC 9068 2.2.3).
    #[serde(default)]
    scope: Option<String>,
}

/// The header fields checked beyond `alg` and `kid`.
#[derive(Clone, Deserialize)]
struct ExtraHeader {
    /// Extensions the token says a verifier must understand (RFC 7515 4.1.11).
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

/// A verified caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The user (`sub`).
    pub user: String,
    /// Whether the token carries [`PROVISION_SCOPE`].
    pub provisioner: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains(&self, wanted: &str) -> bool {
        match self {
            Audience::One(a) => a == wanted,
            Audience::Many(all) => all.iter().any(|a| a == wanted),
        }
    }
}

/// Parses an Ed25519 public key given as a JWK (`{"kty":"OKP","crv":"Ed25519","x":..}`).
pub fn eddsa_key_from_jwk(jwk: &str) -> Result<ed25519_compact::PublicKey, String> {
    let jwk: JsonWebKey<'_> = serde_json::from_str(jwk).map_err(|e| format!("not a JWK: {e}"))?;
    ed25519_compact::PublicKey::try_from(&jwk).map_err(|e| format!("not an Ed25519 JWK: {e}"))
}

/// Parses a JWKS (`{"keys": [{"kty":"OKP","crv":"Ed25519","x":..,"kid":..}, ..]}`): every key
/// an Ed25519 public key with a distinct `kid`.
pub fn key_set_from_jwks(jwks: &str) -> Result<Vec<(String, ed25519_compact::PublicKey)>, String> {
    #[derive(Deserialize)]
    struct Jwks {
        keys: Vec<serde_json::Map<String, serde_json::Value>>,
    }
    let jwks: Jwks = serde_json::from_str(jwks).map_err(|e| format!("not a JWKS: {e}"))?;
    let mut out: Vec<(String, ed25519_compact::PublicKey)> = Vec::new();
    for mut key in jwks.keys {
        let kid = match key.remove("kid") {
            Some(serde_json::Value::String(kid)) if !kid.is_empty() => kid,
            _ => return Err("every key of the JWKS needs a `kid`".into()),
        };
        // Fields a JWK may carry that say nothing about the key itself.
        for field in ["alg", "use", "key_ops"] {
            key.remove(field);
        }
        let text = serde_json::Value::Object(key).to_string();
        let public = eddsa_key_from_jwk(&text).map_err(|e| format!("key `{kid}`: {e}"))?;
        if out.iter().any(|(k, _)| *k == kid) {
            return Err(format!("two keys of the JWKS have the `kid` `{kid}`"));
        }
        out.push((kid, public));
    }
    Ok(out)
}

/// Checks an HS256 secret's length ([`MIN_HS256_SECRET_BYTES`]).
pub fn check_hs256_secret(secret: &[u8]) -> Result<(), String> {
    if secret.len() < MIN_HS256_SECRET_BYTES {
        return Err(format!(
            "JWT_HS256_SECRET is {} bytes; HS256 needs at least {MIN_HS256_SECRET_BYTES}",
            secret.len()
        ));
    }
    Ok(())
}

impl AuthConfig {
    /// Verifies an `Authorization` header value and returns the user id (`sub`). `now_ms` is the
    /// current time in milliseconds since the epoch.
    pub fn authenticate(&self, header: Option<&str>, now_ms: u64) -> Result<String, ApiError> {
        self.identify(header, now_ms).map(|c| c.user)
    }

    /// Verifies an `Authorization` header value and returns the caller it names.
    pub fn identify(&self, header: Option<&str>, now_ms: u64) -> Result<Caller, ApiError> {
        let header = header.ok_or_else(|| unauthorized("no Authorization header"))?;
        let token = header
            .strip_prefix("Bearer ")
            .ok_or_else(|| unauthorized("the Authorization header is not `Bearer <token>`"))?
            .trim();
        let untrusted = UntrustedToken::<ExtraHeader>::try_from(token)
            .map_err(|_| unauthorized("the token is not a JWT"))?;
        if untrusted.header().other_fields.crit.is_some() {
            return Err(unauthorized(
                "the token asks for header extensions (`crit`) this API does not implement",
            ));
        }
        let kid = untrusted.header().key_id.as_deref();
        let claims: Claims<Identity> = match untrusted.algorithm() {
            "HS256" => {
                let secret = self
                    .hs256_secret
                    .as_deref()
                    .ok_or_else(|| unauthorized("HS256 tokens are not accepted here"))?;
                let key = Hs256Key::new(secret);
                Hs256
                    .validator::<Identity>(&key)
                    .validate(&untrusted)
                    .map_err(validation)?
                    .into_parts()
                    .1
            }
            "EdDSA" => {
                let key = match kid {
                    Some(kid) if !self.key_set.is_empty() => self
                        .key_set
                        .iter()
                        .find(|(k, _)| k == kid)
                        .map(|(_, key)| key)
                        .ok_or_else(|| {
                            unauthorized("the token's key (`kid`) is not in the key set")
                        })?,
                    _ => self.eddsa_key.as_ref().ok_or_else(|| {
                        if self.key_set.is_empty() {
                            unauthorized("EdDSA tokens are not accepted here")
                        } else {
                            unauthorized("the token names no key (`kid`) of the key set")
                        }
                    })?,
                };
                Ed25519
                    .validator::<Identity>(key)
                    .validate(&untrusted)
                    .map_err(validation)?
                    .into_parts()
                    .1
            }
            other => {
                return Err(unauthorized(&format!(
                    "tokens signed with `{other}` are not accepted (HS256 or EdDSA)"
                )));
            }
        };
        let now = chrono::DateTime::from_timestamp_millis(i64::try_from(now_ms).unwrap_or(0))
            .unwrap_or_default();
        let options = TimeOptions::new(chrono::Duration::seconds(LEEWAY_SECONDS), move || now);
        if claims.expiration.is_none() {
            return Err(unauthorized("the token has no `exp`"));
        }
        claims.validate_expiration(&options).map_err(validation)?;
        if claims.not_before.is_some() {
            claims.validate_maturity(&options).map_err(validation)?;
        }
        let (Some(issued), Some(expires)) = (claims.issued_at, claims.expiration) else {
            return Err(unauthorized("the token has no `iat`"));
        };
        if issued > now + chrono::Duration::seconds(LEEWAY_SECONDS) {
            return Err(unauthorized("the token is issued in the future (`iat`)"));
        }
        if (expires - issued).num_seconds() > self.max_lifetime_seconds {
            return Err(unauthorized(&format!(
                "the token lives longer than {} seconds (`exp` - `iat`)",
                self.max_lifetime_seconds
            )));
        }
        let id = &claims.custom;
        if id.iss.as_deref() != Some(self.issuer.as_str()) {
            return Err(unauthorized("the token is from another issuer (`iss`)"));
        }
        if !id.aud.as_ref().is_some_and(|a| a.contains(&self.audience)) {
            return Err(unauthorized("the token is for another audience (`aud`)"));
        }
        let provisioner = id
            .scope
            .as_deref()
            .is_some_and(|s| s.split(' ').any(|scope| scope == PROVISION_SCOPE));
        match &id.sub {
            Some(sub) if !sub.is_empty() => Ok(Caller {
                user: sub.clone(),
                provisioner,
            }),
            _ => Err(unauthorized("the token names no user (`sub`)")),
        }
    }
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(401, "unauthenticated", message)
}

fn validation(e: ValidationError) -> ApiError {
    match e {
        ValidationError::Expired => unauthorized("the token has expired (`exp`)"),
        ValidationError::NotMature => unauthorized("the token is not valid yet (`nbf`)"),
        ValidationError::AlgorithmMismatch { .. } => unauthorized("the token's `alg` is wrong"),
        ValidationError::MalformedClaims(_) => unauthorized("the token's claims are malformed"),
        _ => unauthorized("the token's signature does not verify"),
    }
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
