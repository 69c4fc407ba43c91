//! Headers every API answer carries: no caching (answers are per user), no content sniffing,
//! and CORS for the configured origins only (`ORGSPACE_CORS_ORIGINS`; none: same origin only).

use super::config::Config;
use crate::routes::allowed_methods;
use worker::{Request, Response};

/// The request's `Origin` when it is one the configuration allows.
pub fn allowed_origin(req: &Request, config: &Config) -> Option<String> {
    let origin = req.headers().get("origin").ok().flatten()?;
    config.cors_origins.contains(&origin).then_some(origin)
}

/// Adds the headers every answer carries to `response`.
pub fn finish(
    response: worker::Result<Response>,
    origin: Option<&str>,
) -> worker::Result<Response> {
    let mut response = response?;
    let headers = response.headers_mut();
    headers.set("cache-control", "no-store")?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.append("vary", "Origin")?;
    if let Some(origin) = origin {
        headers.set("access-control-allow-origin", origin)?;
        headers.set("access-control-expose-headers", "www-authenticate, allow")?;
    }
    Ok(response)
}

/// The answer to a CORS preflight (`OPTIONS` with `Access-Control-Request-Method`) from an
/// allowed origin: the methods the path takes, and the headers a client sends.
pub fn preflight(path: &str) -> worker::Result<Response> {
    let methods = allowed_methods(path)
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut response = Response::empty()?.with_status(204);
    let headers = response.headers_mut();
    headers.set("access-control-allow-methods", &methods)?;
    headers.set(
        "access-control-allow-headers",
        "authorization, content-type",
    )?;
    headers.set("access-control-max-age", "600")?;
    Ok(response)
}

/// Whether the worker answers on a loopback address (local development): the dev secret and
/// the dev clock are honoured only there.
pub fn is_loopback(req: &Request) -> bool {
    let Ok(url) = req.url() else {
        return false;
    };
    match url.host() {
        Some(worker::url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(worker::url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(worker::url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}
