//! Token verification: HS256 and EdDSA tokens signed here (the worker itself never signs), and
//! every way a token must be refused with 401.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail the calling test on purpose"
)]

use super::*;
use base64ct::{Base64UrlUnpadded, Encoding};
use jwt_compact::Header;
use serde_json::{Map, Value, json};

const SECRET: &[u8] = b"test-secret-of-thirty-two-bytes!";
/// 2025-01-01T00:00:00Z, in seconds.
const NOW: i64 = 1_735_689_600;

fn now_ms() -> u64 {
    u64::try_from(NOW).unwrap() * 1000
}

fn key_pair() -> ed25519_compact::KeyPair {
    ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new([7; 32]))
}

fn config(hs256: bool, eddsa: bool) -> AuthConfig {
    AuthConfig {
        hs256_secret: hs256.then(|| SECRET.to_vec()),
        eddsa_key: eddsa.then(|| key_pair().pk),
        key_set: Vec::new(),
        max_lifetime_seconds: DEFAULT_MAX_LIFETIME_SECONDS,
        issuer: "orgspace".into(),
        audience: "orgspace-api".into(),
    }
}

fn at(seconds: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(seconds, 0).unwrap()
}

/// Claims valid for an hour from `NOW`, with `custom` merged over `sub`, `iss` and `aud`
/// (a `null` removes one).
fn claims(custom: &Value) -> Claims<Map<String, Value>> {
    let mut fields = json!({"sub": "alice", "iss": "orgspace", "aud": "orgspace-api"})
        .as_object()
        .unwrap()
        .clone();
    for (k, v) in custom.as_object().unwrap() {
        if v.is_null() {
            fields.remove(k);
        } else {
            fields.insert(k.clone(), v.clone());
        }
    }
    let mut claims = Claims::new(fields);
    claims.issued_at = Some(at(NOW));
    claims.expiration = Some(at(NOW + 3600));
    claims
}

fn hs256(claims: &Claims<Map<String, Value>>, secret: &[u8]) -> String {
    Hs256
        .token(&Header::empty(), claims, &Hs256Key::new(secret))
        .unwrap()
}

fn eddsa(claims: &Claims<Map<String, Value>>) -> String {
    Ed25519
        .token(&Header::empty(), claims, &key_pair().sk)
        .unwrap()
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn verify(config: &AuthConfig, token: &str) -> Result<String, ApiError> {
    config.authenticate(Some(&bearer(token)), now_ms())
}

/// Asserts a 401 whose message mentions `needle`.
fn assert_refused(result: Result<String, ApiError>, needle: &str) {
    match result {
        Ok(user) => panic!("accepted as {user}, expected a refusal about {needle}"),
        Err(e) => {
            assert_eq!(
                (e.status, e.code, e.rule),
                (401, "unauthenticated", None),
                "{e:?}"
            );
            assert!(
                e.message.contains(needle),
                "{needle:?} not in {:?}",
                e.message
            );
            let body: Value = serde_json::from_str(&e.body()).unwrap();
            assert_eq!(body["error"]["code"], json!("unauthenticated"));
            assert_eq!(e.challenge(), Some(r#"Bearer realm="orgspace""#));
        }
    }
}

fn b64(value: &Value) -> String {
    Base64UrlUnpadded::encode_string(value.to_string().as_bytes())
}

#[test]
fn hs256_ok() {
    let token = hs256(&claims(&json!({})), SECRET);
    assert_eq!(verify(&config(true, false), &token).unwrap(), "alice");
    // Both keys configured: HS256 still verifies with the secret.
    assert_eq!(verify(&config(true, true), &token).unwrap(), "alice");
    // `aud` may be a list holding ours; surrounding blanks are trimmed.
    let listed = hs256(&claims(&json!({"aud": ["other", "orgspace-api"]})), SECRET);
    assert_eq!(verify(&config(true, false), &listed).unwrap(), "alice");
    let padded = config(true, false).authenticate(Some(&format!("Bearer  {token} ")), now_ms());
    assert_eq!(padded.unwrap(), "alice");
}

#[test]
fn wrong_secret() {
    let token = hs256(&claims(&json!({})), b"another-secret-of-32-bytes-long!");
    assert_refused(verify(&config(true, false), &token), "signature");
}

#[test]
fn tampered_claims() {
    let token = hs256(&claims(&json!({})), SECRET);
    let mut pieces: Vec<String> = token.split('.').map(str::to_string).collect();
    pieces[1] = b64(
        &json!({"sub": "root", "iss": "orgspace", "aud": "orgspace-api",
        "exp": NOW + 3600}),
    );
    assert_refused(verify(&config(true, false), &pieces.join(".")), "signature");
}

#[test]
fn alg_none() {
    let head = b64(&json!({"alg": "none", "typ": "JWT"}));
    let body = b64(
        &json!({"sub": "alice", "iss": "orgspace", "aud": "orgspace-api",
        "exp": NOW + 3600}),
    );
    for token in [format!("{head}.{body}."), format!("{head}.{body}")] {
        let result = verify(&config(true, true), &token);
        assert!(result.is_err(), "{token} accepted");
        assert_eq!(result.unwrap_err().status, 401);
    }
    assert_refused(
        verify(&config(true, true), &format!("{head}.{body}.")),
        "none",
    );
}

#[test]
fn other_algorithms() {
    // An HS256 signature under an `HS512` (or `RS256`) header is refused by name.
    let token = hs256(&claims(&json!({})), SECRET);
    let body = token.split('.').skip(1).collect::<Vec<_>>().join(".");
    for alg in ["HS512", "RS256", "ES256", "hs256"] {
        let head = b64(&json!({"alg": alg, "typ": "JWT"}));
        assert_refused(verify(&config(true, true), &format!("{head}.{body}")), alg);
    }
}

#[test]
fn expired() {
    let mut c = claims(&json!({}));
    c.expiration = Some(at(NOW - 3600));
    assert_refused(verify(&config(true, false), &hs256(&c, SECRET)), "expired");
    // Within the leeway it still passes; past it, not.
    c.expiration = Some(at(NOW - LEEWAY_SECONDS + 1));
    assert!(verify(&config(true, false), &hs256(&c, SECRET)).is_ok());
    c.expiration = Some(at(NOW - LEEWAY_SECONDS - 1));
    assert_refused(verify(&config(true, false), &hs256(&c, SECRET)), "expired");
}

#[test]
fn not_yet_valid() {
    let mut c = claims(&json!({}));
    c.not_before = Some(at(NOW + 600));
    assert_refused(verify(&config(true, false), &hs256(&c, SECRET)), "nbf");
    c.not_before = Some(at(NOW - 600));
    assert_eq!(
        verify(&config(true, false), &hs256(&c, SECRET)).unwrap(),
        "alice"
    );
}

#[test]
fn wrong_issuer() {
    for iss in [json!("someone-else"), Value::Null, json!("")] {
        let token = hs256(&claims(&json!({ "iss": iss })), SECRET);
        assert_refused(verify(&config(true, false), &token), "iss");
    }
}

#[test]
fn wrong_audience() {
    for aud in [
        json!("another-api"),
        Value::Null,
        json!([]),
        json!(["a", "b"]),
    ] {
        let token = hs256(&claims(&json!({ "aud": aud })), SECRET);
        assert_refused(verify(&config(true, false), &token), "aud");
    }
}

#[test]
fn missing_sub() {
    for sub in [Value::Null, json!("")] {
        let token = hs256(&claims(&json!({ "sub": sub })), SECRET);
        assert_refused(verify(&config(true, false), &token), "sub");
    }
    // A `sub` of the wrong type makes the claims malformed.
    let token = hs256(&claims(&json!({"sub": 42})), SECRET);
    assert_refused(verify(&config(true, false), &token), "malformed");
}

#[test]
fn missing_exp() {
    let mut c = claims(&json!({}));
    c.expiration = None;
    assert_refused(verify(&config(true, false), &hs256(&c, SECRET)), "exp");
}

#[test]
fn eddsa_ok() {
    let token = eddsa(&claims(&json!({"sub": "bob"})));
    assert_eq!(verify(&config(false, true), &token).unwrap(), "bob");
    assert_eq!(verify(&config(true, true), &token).unwrap(), "bob");
    // Another key's signature is refused.
    let other = ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new([9; 32]));
    let forged = Ed25519
        .token(&Header::empty(), &claims(&json!({})), &other.sk)
        .unwrap();
    assert_refused(verify(&config(false, true), &forged), "signature");
}

#[test]
fn eddsa_when_only_hs256_is_configured() {
    let token = eddsa(&claims(&json!({})));
    assert_refused(verify(&config(true, false), &token), "EdDSA");
    // And the other way round.
    let token = hs256(&claims(&json!({})), SECRET);
    assert_refused(verify(&config(false, true), &token), "HS256");
}

#[test]
fn hs256_signed_with_the_public_key_is_refused() {
    // The classic key confusion: an HS256 token whose secret is the EdDSA public key.
    let token = hs256(&claims(&json!({})), &key_pair().pk[..]);
    assert_refused(verify(&config(false, true), &token), "HS256");
    assert_refused(verify(&config(true, true), &token), "signature");
}

#[test]
fn malformed_header() {
    let c = config(true, true);
    assert_refused(c.authenticate(None, now_ms()), "no Authorization");
    let token = hs256(&claims(&json!({})), SECRET);
    for header in [token.clone(), format!("Basic {token}"), "Bearer".into()] {
        assert_refused(c.authenticate(Some(&header), now_ms()), "Bearer");
    }
    for token in [
        String::new(),
        "not-a-jwt".into(),
        "a.b".into(),
        "a.b.c.d".into(),
        "%%%.%%%.%%%".into(),
        format!("{}.{}.sig", b64(&json!("just a string")), b64(&json!({}))),
        format!(
            "{}.{}.sig",
            Base64UrlUnpadded::encode_string(b"{not json"),
            b64(&json!({}))
        ),
    ] {
        let result = c.authenticate(Some(&bearer(&token)), now_ms());
        let e = result.expect_err(&token);
        assert_eq!(
            (e.status, e.code),
            (401, "unauthenticated"),
            "{token}: {e:?}"
        );
    }
}

#[test]
fn eddsa_key_from_a_jwk() {
    let pair = key_pair();
    let jwk = JsonWebKey::from(&pair.pk);
    let text = serde_json::to_string(&jwk).unwrap();
    assert_eq!(eddsa_key_from_jwk(&text).unwrap(), pair.pk);
    assert!(eddsa_key_from_jwk("{}").is_err());
    assert!(eddsa_key_from_jwk("not json").is_err());
    assert!(
        eddsa_key_from_jwk(r#"{"kty":"OKP","crv":"Ed25519","x":"c2hvcnQ"}"#).is_err(),
        "a key of the wrong length"
    );
}

#[test]
fn the_secret_stays_out_of_debug_output() {
    let text = format!("{:?}", config(true, true));
    assert!(
        !text.contains(core::str::from_utf8(SECRET).unwrap()),
        "{text}"
    );
    assert!(text.contains("hs256: true"), "{text}");
}

fn other_pair(seed: u8) -> ed25519_compact::KeyPair {
    ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new([seed; 32]))
}

fn eddsa_with(
    claims: &Claims<Map<String, Value>>,
    header: Header,
    pair: &ed25519_compact::KeyPair,
) -> String {
    Ed25519.token(&header, claims, &pair.sk).unwrap()
}

/// A JWKS of the keys of seeds 1 and 2 under `kid`s `k1` and `k2`.
fn rotating() -> AuthConfig {
    let key = |seed: u8, kid: &str| {
        let mut jwk = serde_json::to_value(JsonWebKey::from(&other_pair(seed).pk)).unwrap();
        jwk["kid"] = json!(kid);
        jwk["use"] = json!("sig");
        jwk
    };
    let jwks = json!({"keys": [key(1, "k1"), key(2, "k2")]}).to_string();
    AuthConfig {
        key_set: key_set_from_jwks(&jwks).unwrap(),
        ..config(false, false)
    }
}

#[test]
fn keys_rotate_by_kid() {
    let c = rotating();
    let one = eddsa_with(
        &claims(&json!({})),
        Header::empty().with_key_id("k1"),
        &other_pair(1),
    );
    let two = eddsa_with(
        &claims(&json!({})),
        Header::empty().with_key_id("k2"),
        &other_pair(2),
    );
    assert_eq!(verify(&c, &one).unwrap(), "alice");
    assert_eq!(verify(&c, &two).unwrap(), "alice");
    // Signed with key 2 but naming k1: the named key decides, and it does not verify.
    let lying = eddsa_with(
        &claims(&json!({})),
        Header::empty().with_key_id("k1"),
        &other_pair(2),
    );
    assert_refused(verify(&c, &lying), "signature");
    let unknown = eddsa_with(
        &claims(&json!({})),
        Header::empty().with_key_id("k9"),
        &other_pair(1),
    );
    assert_refused(verify(&c, &unknown), "kid");
    let unnamed = eddsa_with(&claims(&json!({})), Header::empty(), &other_pair(1));
    assert_refused(verify(&c, &unnamed), "kid");
}

#[test]
fn a_jwks_needs_distinct_kids_and_ed25519_keys() {
    let jwk = serde_json::to_value(JsonWebKey::from(&key_pair().pk)).unwrap();
    assert!(
        key_set_from_jwks(&json!({"keys": [jwk]}).to_string()).is_err(),
        "no kid"
    );
    let mut a = jwk.clone();
    a["kid"] = json!("a");
    assert!(
        key_set_from_jwks(&json!({"keys": [a, a]}).to_string()).is_err(),
        "kid twice"
    );
    let oct = json!({"kty": "oct", "k": "c2VjcmV0", "kid": "h"});
    assert!(
        key_set_from_jwks(&json!({"keys": [oct]}).to_string()).is_err(),
        "a secret"
    );
    assert!(key_set_from_jwks("[]").is_err());
}

#[test]
fn crit_headers_are_refused() {
    #[derive(serde::Serialize)]
    struct Crit {
        crit: Vec<&'static str>,
        exp: bool,
    }
    let header = Header::new(Crit {
        crit: vec!["exp"],
        exp: true,
    });
    let token = Hs256
        .token(&header, &claims(&json!({})), &Hs256Key::new(SECRET))
        .unwrap();
    assert_refused(verify(&config(true, false), &token), "crit");
}

#[test]
fn iat_is_required_and_not_in_the_future() {
    let mut c = claims(&json!({}));
    c.issued_at = None;
    assert_refused(verify(&config(true, false), &hs256(&c, SECRET)), "iat");
    let mut c = claims(&json!({}));
    c.issued_at = Some(at(NOW + 600));
    c.expiration = Some(at(NOW + 1200));
    assert_refused(verify(&config(true, false), &hs256(&c, SECRET)), "future");
    c.issued_at = Some(at(NOW + 20));
    assert!(
        verify(&config(true, false), &hs256(&c, SECRET)).is_ok(),
        "within the leeway"
    );
}

#[test]
fn lifetime_is_bounded() {
    let mut c = claims(&json!({}));
    c.expiration = Some(at(NOW + DEFAULT_MAX_LIFETIME_SECONDS));
    assert!(verify(&config(true, false), &hs256(&c, SECRET)).is_ok());
    c.expiration = Some(at(NOW + DEFAULT_MAX_LIFETIME_SECONDS + 1));
    assert_refused(verify(&config(true, false), &hs256(&c, SECRET)), "longer");
    let short = AuthConfig {
        max_lifetime_seconds: 600,
        ..config(true, false)
    };
    assert_refused(verify(&short, &hs256(&claims(&json!({})), SECRET)), "600");
}

#[test]
fn short_hs256_secrets_are_refused() {
    assert!(check_hs256_secret(&SECRET[..31]).is_err());
    assert!(check_hs256_secret(SECRET).is_ok());
}

#[test]
fn the_provision_scope_makes_a_provisioner() {
    let c = config(true, false);
    let who = |scope: Value| {
        let token = hs256(&claims(&json!({ "scope": scope })), SECRET);
        c.identify(Some(&bearer(&token)), now_ms())
            .unwrap()
            .provisioner
    };
    assert!(who(json!("openid orgspace:provision")));
    assert!(!who(json!("openid")));
    assert!(!who(json!("orgspace:provisioner")));
    assert!(!who(Value::Null));
}
