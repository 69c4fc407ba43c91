//! The worker's configuration from its environment (wrangler.toml vars, secrets, `.dev.vars`).

use crate::auth::{AuthConfig, eddsa_key_from_jwk};
use worker::Env;

/// Everything a request needs from the environment.
#[derive(Clone, Debug)]
pub struct Config {
    /// How bearer tokens are verified.
    pub auth: AuthConfig,
    /// Whether `x-orgspace-time` may set the clock of a request: only for local development and
    /// the conformance tests, whose scenarios run at fixed times. Never set in production.
    pub dev_clock: bool,
    /// Whether the test-only fault switch is on ([`test_faults`]).
    pub test_faults: bool,
    /// The staleness bound of edge answers ([`staleness_bound_ms`]).
    pub staleness_ms: u64,
}

fn var(env: &Env, name: &str) -> Option<String> {
    env.var(name)
        .ok()
        .map(|v| v.to_string())
        .or_else(|| env.secret(name).ok().map(|v| v.to_string()))
        .filter(|v| !v.trim().is_empty())
}

impl Config {
    /// Reads the configuration; an error names what is missing.
    pub fn from_env(env: &Env) -> Result<Config, String> {
        let eddsa_key = match var(env, "JWT_EDDSA_PUBLIC_JWK") {
            Some(jwk) => Some(eddsa_key_from_jwk(&jwk)?),
            None => None,
        };
        let hs256_secret = var(env, "JWT_HS256_SECRET").map(String::into_bytes);
        if eddsa_key.is_none() && hs256_secret.is_none() {
            return Err(
                "no token key is configured: set JWT_EDDSA_PUBLIC_JWK or the JWT_HS256_SECRET secret"
                    .into(),
            );
        }
        Ok(Config {
            auth: AuthConfig {
                hs256_secret,
                eddsa_key,
                issuer: var(env, "JWT_ISSUER").ok_or("JWT_ISSUER is not set")?,
                audience: var(env, "JWT_AUDIENCE").ok_or("JWT_AUDIENCE is not set")?,
            },
            dev_clock: var(env, "ORGSPACE_DEV_CLOCK").is_some_and(|v| v == "true"),
            test_faults: test_faults(env),
            staleness_ms: staleness_bound_ms(env),
        })
    }
}

/// Whether the test-only fault switch (`POST /v1/test/kv-fault`) is on: only when
/// `ORGSPACE_TEST_FAULTS` is `true`, which only the test runner passes to `wrangler dev`.
pub fn test_faults(env: &Env) -> bool {
    var(env, "ORGSPACE_TEST_FAULTS").is_some_and(|v| v == "true")
}

/// The staleness bound of edge answers in milliseconds (`ORGSPACE_STALENESS_MS`, 30 s by
/// default; `staleness.rs`).
pub fn staleness_bound_ms(env: &Env) -> u64 {
    var(env, "ORGSPACE_STALENESS_MS")
        .and_then(|v| v.parse().ok())
        .unwrap_or(crate::staleness::DEFAULT_BOUND_MS)
}
