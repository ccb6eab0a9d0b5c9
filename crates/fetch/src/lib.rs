//! The HTTP fetcher. The web is hostile, so every request is bounded and checked:
//!
//! - **Addresses.** Loopback, private, link-local (cloud metadata lives there), CGNAT,
//!   multicast, unspecified, reserved and IPv6 unique-local addresses are refused unless the
//!   fetcher is told to allow them. The check runs in the resolver, on every address the
//!   connection may use, for the first request and for every redirect, and on addresses written
//!   in the URL: neither a redirect nor a name that resolves to 127.0.0.1 gets around it.
//! - **Schemes.** Only http and https.
//! - **Limits.** The body is capped after decompression (gzip and brotli bombs), and connect
//!   time, total time and redirects are capped, each failure with its own error.
//! - **Politeness.** One host is not asked more often than once per `host_delay`.
//! - **Conditional requests.** An ETag or Last-Modified from the last fetch makes a 304
//!   possible; a 304 is a result, not an error.

use std::collections::HashMap;
use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Limits and permissions of a [`Fetcher`].
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Allow private, loopback and other internal addresses (off by default; tests opt in).
    pub allow_private: bool,
    /// Addresses allowed even when private ones are not (exact socket addresses).
    pub allow_addrs: Vec<SocketAddr>,
    /// The most bytes a body may have, after decompression.
    pub max_bytes: u64,
    pub connect_timeout: Duration,
    /// Time for the whole request, body included.
    pub total_timeout: Duration,
    pub max_redirects: u32,
    /// The least time between two requests to one host.
    pub host_delay: Duration,
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            allow_private: false,
            allow_addrs: Vec::new(),
            // what Miniflux allows; no article or feed page is larger
            max_bytes: 15 * 1024 * 1024,
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_redirects: 5,
            host_delay: Duration::from_secs(1),
            user_agent: format!("parallax/{} (news coverage analyzer)", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// Why a fetch failed. Every message names the URL.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: not a URL ({reason})")]
    BadUrl { url: String, reason: String },
    #[error("{url}: only http and https are fetched, not {scheme}")]
    Scheme { url: String, scheme: String },
    #[error("{url}: refused to connect to {host} ({addr}: {why}); pass --allow-private to fetch from private networks")]
    Forbidden { url: String, host: String, addr: IpAddr, why: &'static str },
    #[error("{url}: cannot resolve {host} ({reason})")]
    Dns { url: String, host: String, reason: String },
    #[error("{url}: the body is larger than {max} bytes (after decompression)")]
    TooLarge { url: String, max: u64 },
    #[error("{url}: no answer within {secs} s")]
    Timeout { url: String, secs: u64 },
    #[error("{url}: more than {max} redirects")]
    TooManyRedirects { url: String, max: u32 },
    #[error("{url}: HTTP {status}{}", retry_after.map(|s| format!(" (retry after {s} s)")).unwrap_or_default())]
    Status { url: String, status: u16, retry_after: Option<u64> },
    #[error("{url}: {reason}")]
    Transport { url: String, reason: String },
}

impl FetchError {
    /// The server's Retry-After, when it sent one with a 429 or 503.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => retry_after.map(Duration::from_secs),
            _ => None,
        }
    }
}

/// Validators from an earlier fetch of the same URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a fetch returned.
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL after redirects.
    pub url: String,
    pub status: u16,
    /// False for a 304: the body is empty and the earlier copy stands.
    pub modified: bool,
    pub content_type: Option<String>,
    pub validators: Validators,
    /// Cache-Control max-age, in seconds.
    pub max_age: Option<u64>,
    pub body: Vec<u8>,
}

/// Why an address may not be connected to, or `None` when it may.
pub fn forbidden(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if v4.is_loopback() {
                Some("loopback")
            } else if v4.is_private() {
                Some("private network")
            } else if v4.is_link_local() {
                Some("link-local, where cloud metadata services answer")
            } else if o[0] == 100 && (o[1] & 0xc0) == 64 {
                Some("carrier-grade NAT (100.64.0.0/10)")
            } else if v4.is_multicast() {
                Some("multicast")
            } else if v4.is_unspecified() || o[0] == 0 {
                Some("unspecified")
            } else if v4.is_broadcast() || o[0] >= 240 {
                Some("reserved")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            // an IPv4 address inside IPv6 is judged as itself
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden(IpAddr::V4(v4));
            }
            if seg[0] == 0x64 && seg[1] == 0xff9b && seg[2..6] == [0, 0, 0, 0] {
                let v4 = std::net::Ipv4Addr::new((seg[6] >> 8) as u8, seg[6] as u8, (seg[7] >> 8) as u8, seg[7] as u8);
                return forbidden(IpAddr::V4(v4));
            }
            if v6.is_loopback() {
                Some("loopback")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else if (seg[0] & 0xfe00) == 0xfc00 {
                Some("unique local (private) network")
            } else if (seg[0] & 0xffc0) == 0xfe80 || (seg[0] & 0xffc0) == 0xfec0 {
                Some("link-local")
            } else if v6.is_multicast() {
                Some("multicast")
            } else {
                None
            }
        }
    }
}

/// The resolver every connection goes through: it drops the addresses that may not be used and
/// remembers why, so the error can say so.
struct GuardedResolver {
    allow_private: bool,
    allow_addrs: Vec<SocketAddr>,
    refused: Arc<Mutex<Option<Refusal>>>,
}

/// An address the resolver would not use: the host and port asked for, the address, and why.
type Refusal = (String, IpAddr, &'static str);

impl ureq::Resolver for GuardedResolver {
    fn resolve(&self, netloc: &str) -> std::io::Result<Vec<SocketAddr>> {
        let all: Vec<SocketAddr> = netloc.to_socket_addrs()?.collect();
        if self.allow_private {
            return Ok(all);
        }
        let mut ok = Vec::new();
        for a in all {
            match forbidden(a.ip()) {
                Some(why) if !self.allow_addrs.contains(&a) => {
                    *self.refused.lock().expect("not poisoned") = Some((netloc.to_string(), a.ip(), why));
                }
                _ => ok.push(a),
            }
        }
        if ok.is_empty() {
            return Err(std::io::Error::new(std::io::ErrorKind::PermissionDenied, "every address of the host is refused"));
        }
        Ok(ok)
    }
}

/// Fetches URLs within [`FetchConfig`]'s limits.
pub struct Fetcher {
    config: FetchConfig,
    agent: ureq::Agent,
    refused: Arc<Mutex<Option<Refusal>>>,
    /// When each host was last asked.
    last_request: Mutex<HashMap<String, Instant>>,
}

impl Fetcher {
    pub fn new(config: FetchConfig) -> Fetcher {
        let refused = Arc::new(Mutex::new(None));
        let resolver = GuardedResolver { allow_private: config.allow_private, allow_addrs: config.allow_addrs.clone(), refused: refused.clone() };
        let agent = ureq::AgentBuilder::new()
            .resolver(resolver)
            .timeout_connect(config.connect_timeout)
            .timeout(config.total_timeout)
            .redirects(config.max_redirects)
            .user_agent(&config.user_agent)
            .build();
        Fetcher { config, agent, refused, last_request: Mutex::new(HashMap::new()) }
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// GETs `url`, conditionally when `validators` are given.
    pub fn get(&self, url: &str, validators: &Validators) -> Result<Response, FetchError> {
        let parsed = url::Url::parse(url).map_err(|e| FetchError::BadUrl { url: url.to_string(), reason: e.to_string() })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(FetchError::Scheme { url: url.to_string(), scheme: parsed.scheme().to_string() });
        }
        let host = parsed.host_str().unwrap_or_default().to_string();
        self.wait_for_host(&host);
        *self.refused.lock().expect("not poisoned") = None;
        let mut req = self.agent.get(url);
        if let Some(e) = &validators.etag {
            req = req.set("If-None-Match", e);
        }
        if let Some(m) = &validators.last_modified {
            req = req.set("If-Modified-Since", m);
        }
        let result = req.call();
        let refused = self.refused.lock().expect("not poisoned").take();
        let resp = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(status, r)) => {
                let retry_after = r.header("Retry-After").and_then(|v| v.trim().parse::<u64>().ok());
                return Err(FetchError::Status { url: r.get_url().to_string(), status, retry_after });
            }
            Err(ureq::Error::Transport(t)) => return Err(self.transport_error(url, &host, t, refused)),
        };
        let final_url = resp.get_url().to_string();
        let status = resp.status();
        let header = |name: &str| resp.header(name).map(str::to_string);
        let validators = Validators { etag: header("ETag"), last_modified: header("Last-Modified") };
        let content_type = header("Content-Type");
        let max_age = header("Cache-Control")
            .and_then(|c| c.split(',').find_map(|d| d.trim().strip_prefix("max-age=").and_then(|v| v.trim_matches('"').parse::<u64>().ok())));
        if status == 304 {
            return Ok(Response { url: final_url, status, modified: false, content_type, validators, max_age, body: Vec::new() });
        }
        let max = self.config.max_bytes;
        let mut body = Vec::new();
        resp.into_reader().take(max + 1).read_to_end(&mut body).map_err(|e| {
            if e.kind() == std::io::ErrorKind::TimedOut || e.kind() == std::io::ErrorKind::WouldBlock {
                FetchError::Timeout { url: final_url.clone(), secs: self.config.total_timeout.as_secs() }
            } else {
                FetchError::Transport { url: final_url.clone(), reason: format!("the body could not be read: {e}") }
            }
        })?;
        if body.len() as u64 > max {
            return Err(FetchError::TooLarge { url: final_url, max });
        }
        Ok(Response { url: final_url, status, modified: true, content_type, validators, max_age, body })
    }

    fn transport_error(&self, url: &str, host: &str, t: ureq::Transport, refused: Option<Refusal>) -> FetchError {
        if let Some((netloc, addr, why)) = refused {
            // the refused hop may be a redirect's: the host it named is in the message
            return FetchError::Forbidden { url: url.to_string(), host: netloc, addr, why };
        }
        let text = t.to_string();
        match t.kind() {
            ureq::ErrorKind::Dns => FetchError::Dns { url: url.to_string(), host: host.to_string(), reason: t.message().unwrap_or("no address").to_string() },
            ureq::ErrorKind::TooManyRedirects => FetchError::TooManyRedirects { url: url.to_string(), max: self.config.max_redirects },
            ureq::ErrorKind::UnknownScheme => {
                FetchError::Scheme { url: t.url().map_or_else(|| url.to_string(), |u| u.to_string()), scheme: "an unknown scheme".into() }
            }
            _ if text.contains("timed out") || text.contains("Timed out") => {
                FetchError::Timeout { url: url.to_string(), secs: self.config.total_timeout.as_secs() }
            }
            _ => FetchError::Transport { url: url.to_string(), reason: text },
        }
    }

    /// Sleeps until `host` may be asked again.
    fn wait_for_host(&self, host: &str) {
        if self.config.host_delay.is_zero() {
            return;
        }
        let wait = {
            let mut last = self.last_request.lock().expect("not poisoned");
            let now = Instant::now();
            let at = match last.get(host) {
                Some(&t) if t + self.config.host_delay > now => t + self.config.host_delay,
                _ => now,
            };
            last.insert(host.to_string(), at);
            at.saturating_duration_since(now)
        };
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }
}

#[cfg(test)]
mod tests;
