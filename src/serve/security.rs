//! The guard in front of every request: the server answers only its own address (a foreign
//! `Host` is a DNS-rebinding attempt), only its own pages (a foreign `Origin` or a cross-site
//! fetch is refused), and only the browser it opened (a one-time key in the URL it opened becomes
//! an HttpOnly, SameSite=Strict cookie). The user's own browser is opened on a launch page in
//! their private data folder, which holds a fresh key, so that no key shows in the process list
//! and a spent key in the browser's history lets no one in. Every answer forbids caching and any
//! source but the server.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// What the guard knows: the port it answers on and the secrets.
#[derive(Debug, Clone)]
pub struct Guard {
    /// The port the server listens on (127.0.0.1 only).
    pub port: u16,
    /// The session cookie's value, given in exchange for a key.
    pub session: String,
    /// Keys not yet exchanged, each with whether the launch page holds it; each lets one
    /// browser in, once.
    keys: Arc<Mutex<Vec<(String, bool)>>>,
    /// The launch page, given a fresh key whenever its key is spent.
    launch: PathBuf,
}

/// Name of the session cookie.
const COOKIE: &str = "blindfold_session";

/// The Content-Security-Policy of every page: the server's own scripts, styles and images only.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'";

impl Guard {
    /// A guard for `port` with a fresh session secret and a launch page at `launch` (readable
    /// by the user alone).
    pub fn new(port: u16, launch: PathBuf) -> std::io::Result<Guard> {
        let guard = Guard {
            port,
            session: random_hex(),
            keys: Arc::default(),
            launch,
        };
        guard.write_launch()?;
        Ok(guard)
    }

    /// A new one-time key, as the address that lets one browser in.
    pub fn key_url(&self) -> String {
        self.new_key(false)
    }

    fn new_key(&self, launch: bool) -> String {
        let key = random_hex();
        self.keys.lock().expect("keys").push((key.clone(), launch));
        format!("http://127.0.0.1:{}/?token={key}", self.port)
    }

    /// The launch page.
    pub fn launch(&self) -> &Path {
        &self.launch
    }

    /// (Re)writes the launch page: a redirect to a fresh key's address.
    fn write_launch(&self) -> std::io::Result<()> {
        let url = self.new_key(true);
        let page = format!(
            "<!DOCTYPE html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" \
             content=\"0;url={url}\"><title>blindfold</title><a href=\"{url}\">blindfold</a>\n"
        );
        crate::platform::write_private(&self.launch, page.as_bytes())
    }

    /// Spends `key` if it is one not yet exchanged.
    fn exchange(&self, key: &str) -> bool {
        let mut keys = self.keys.lock().expect("keys");
        let Some(at) = keys.iter().position(|(k, _)| constant_time_eq(k, key)) else {
            return false;
        };
        let (_, launched) = keys.swap_remove(at);
        drop(keys);
        if launched {
            let _ = self.write_launch();
        }
        true
    }

    fn own_host(&self, host: &str) -> bool {
        host == format!("127.0.0.1:{}", self.port) || host == format!("localhost:{}", self.port)
    }

    fn own_origin(&self, origin: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|host| self.own_host(host))
    }

    fn has_session(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| name == COOKIE && constant_time_eq(value, &self.session))
    }

    /// Why a request is refused, if it is.
    fn refusal(&self, request: &Request) -> Option<(StatusCode, &'static str)> {
        let headers = request.headers();
        let text = |name| {
            headers
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
        };
        if !text(header::HOST).is_some_and(|host| self.own_host(host)) {
            return Some((StatusCode::FORBIDDEN, "foreign host"));
        }
        if text(header::ORIGIN).is_some_and(|origin| !self.own_origin(origin)) {
            return Some((StatusCode::FORBIDDEN, "cross-site request"));
        }
        let changes = request.method() != Method::GET && request.method() != Method::HEAD;
        let site = text(header::HeaderName::from_static("sec-fetch-site"));
        if changes && site.is_some_and(|site| site != "same-origin" && site != "none") {
            return Some((StatusCode::FORBIDDEN, "cross-site request"));
        }
        None
    }
}

/// The middleware: refuses foreign and unauthenticated requests, exchanges the token for the
/// cookie, and sets the security headers on every answer.
pub async fn guard(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let mut response = match guard.refusal(&request) {
        Some((status, why)) => (status, why).into_response(),
        None if token_in(&request).is_some_and(|key| guard.exchange(key)) => {
            let cookie = format!(
                "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
                guard.session
            );
            let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
            if let Ok(cookie) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        None if guard.has_session(request.headers()) => next.run(request).await,
        None => (
            StatusCode::UNAUTHORIZED,
            "open the address blindfold serve printed (it holds the key to this page)",
        )
            .into_response(),
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    response
}

/// The `token` query parameter of a request for `/`.
fn token_in(request: &Request) -> Option<&str> {
    if request.uri().path() != "/" {
        return None;
    }
    request
        .uri()
        .query()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
}

/// Compares secrets without stopping at the first difference.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// 128 random bits as hex.
fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random opaque id (for workspaces).
pub fn random_id() -> String {
    random_hex()[..16].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole_and_ids_differ() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd") && !constant_time_eq("abc", "ab"));
        assert_ne!(random_id(), random_id());
        assert_eq!(random_id().len(), 16);
    }
}
