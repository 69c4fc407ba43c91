//! Bearer tokens: JWTs verified in the worker, HS256 with a secret or EdDSA (Ed25519) with a public key.
//!
//! The worker only verifies. Nothing here signs: production holds a public key (and, if HS256 is
//! used, a secret set with `wrangler secret put`), and local development mints tokens outside
//! the worker with the dev secret from `.dev.vars`.

use crate::api_error::ApiError;
use jwt_compact::alg::{Ed25519, Hs256, Hs256Key};
use jwt_compact::jwk::JsonWebKey;
use jwt_compact::{AlgorithmExt, Claims, TimeOptions, UntrustedToken, ValidationError};
use serde::Deserialize;

/// Seconds of clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECONDS: i64 = 30;

/// How tokens are verified, from the worker's configuration.
#[derive(Clone)]
pub struct AuthConfig {
    /// The HS256 secret, when HS256 tokens are accepted.
    pub hs256_secret: Option<Vec<u8>>,
    /// The Ed25519 public key, when EdDSA tokens are accepted.
    pub eddsa_key: Option<ed25519_compact::PublicKey>,
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

impl AuthConfig {
    /// Verifies an `Authorization` header value and returns the user id (`sub`). `now_ms` is the
    /// current time in milliseconds since the epoch.
    pub fn authenticate(&self, header: Option<&str>, now_ms: u64) -> Result<String, ApiError> {
        let header = header.ok_or_else(|| unauthorized("no Authorization header"))?;
        let token = header
            .strip_prefix("Bearer ")
            .ok_or_else(|| unauthorized("the Authorization header is not `Bearer <token>`"))?
            .trim();
        let untrusted =
            UntrustedToken::new(token).map_err(|_| unauthorized("the token is not a JWT"))?;
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
                let key = self
                    .eddsa_key
                    .as_ref()
                    .ok_or_else(|| unauthorized("EdDSA tokens are not accepted here"))?;
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
        let id = &claims.custom;
        if id.iss.as_deref() != Some(self.issuer.as_str()) {
            return Err(unauthorized("the token is from another issuer (`iss`)"));
        }
        if !id.aud.as_ref().is_some_and(|a| a.contains(&self.audience)) {
            return Err(unauthorized("the token is for another audience (`aud`)"));
        }
        match &id.sub {
            Some(sub) if !sub.is_empty() => Ok(sub.clone()),
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
