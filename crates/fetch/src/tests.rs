//! Against real HTTP servers on 127.0.0.1 that answer what each test needs.

use super::*;
use parallax_testsite::{reply, serve};
use std::io::Write;

fn open() -> Fetcher {
    Fetcher::new(FetchConfig { allow_private: true, host_delay: Duration::ZERO, ..FetchConfig::default() })
}

#[test]
fn internal_addresses_are_refused_by_default() {
    for (ip, refused) in [
        ("127.0.0.1", true),
        ("10.1.2.3", true),
        ("172.20.0.1", true),
        ("192.168.1.1", true),
        ("169.254.169.254", true),
        ("100.64.0.1", true),
        ("0.0.0.0", true),
        ("224.0.0.1", true),
        ("::1", true),
        ("fd00:ec2::254", true),
        ("fe80::1", true),
        ("::ffff:127.0.0.1", true),
        ("64:ff9b::a00:1", true),
        ("93.184.216.34", false),
        ("2606:2800:220:1:248:1893:25c8:1946", false),
    ] {
        assert_eq!(forbidden(ip.parse().unwrap()).is_some(), refused, "{ip}");
    }
    let addr = serve(|_, _| reply("200 OK", &[], b"secret"));
    let strict = Fetcher::new(FetchConfig { host_delay: Duration::ZERO, ..FetchConfig::default() });
    for url in [format!("http://{addr}/"), format!("http://localhost:{}/", addr.port())] {
        let err = strict.get(&url, &Validators::default()).unwrap_err();
        assert!(matches!(err, FetchError::Forbidden { .. }), "{url}: {err}");
        assert!(err.to_string().contains("--allow-private"), "{err}");
    }
    assert_eq!(open().get(&format!("http://{addr}/"), &Validators::default()).unwrap().body, b"secret");
}

#[test]
fn a_redirect_to_a_refused_address_is_refused() {
    let inner = serve(|_, _| reply("200 OK", &[], b"internal"));
    let target = format!("http://{inner}/admin");
    let outer = serve(move |_, _| reply("302 Found", &[("Location", &target)], b""));
    // the outer server is allowed by address; where it sends us is not
    let f = Fetcher::new(FetchConfig { allow_addrs: vec![outer], host_delay: Duration::ZERO, ..FetchConfig::default() });
    let err = f.get(&format!("http://{outer}/"), &Validators::default()).unwrap_err();
    assert!(matches!(err, FetchError::Forbidden { .. }), "{err}");
    assert!(err.to_string().contains(&inner.port().to_string()), "the refused hop is named: {err}");
}

#[test]
fn bombs_loops_slow_servers_and_other_schemes_get_their_own_errors() {
    use flate2::{write::GzEncoder, Compression};
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&vec![b'a'; 8 * 1024 * 1024]).unwrap();
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 100_000);
    let addr = serve(move |path, _| match path {
        "/bomb" => reply("200 OK", &[("Content-Encoding", "gzip")], &bomb),
        "/loop" => reply("302 Found", &[("Location", "/loop")], b""),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(3));
            reply("200 OK", &[], b"late")
        }
        "/busy" => reply("429 Too Many Requests", &[("Retry-After", "120")], b""),
        _ => reply("404 Not Found", &[], b""),
    });
    let f = Fetcher::new(FetchConfig {
        allow_private: true,
        host_delay: Duration::ZERO,
        max_bytes: 1024 * 1024,
        total_timeout: Duration::from_secs(1),
        ..FetchConfig::default()
    });
    let get = |p: &str| f.get(&format!("http://{addr}{p}"), &Validators::default()).unwrap_err();
    assert!(matches!(get("/bomb"), FetchError::TooLarge { max: 1048576, .. }), "{}", get("/bomb"));
    assert!(matches!(get("/loop"), FetchError::TooManyRedirects { .. }), "{}", get("/loop"));
    assert!(matches!(get("/slow"), FetchError::Timeout { .. }), "{}", get("/slow"));
    let busy = get("/busy");
    assert_eq!(busy.retry_after(), Some(Duration::from_secs(120)), "{busy}");
    assert!(busy.to_string().contains("HTTP 429"), "{busy}");
    assert!(matches!(f.get("file:///etc/passwd", &Validators::default()).unwrap_err(), FetchError::Scheme { .. }));
    assert!(matches!(f.get("not a url", &Validators::default()).unwrap_err(), FetchError::BadUrl { .. }));
}

#[test]
fn validators_make_a_304_and_max_age_is_read() {
    let addr = serve(|_, head| {
        if head.to_ascii_lowercase().contains("if-none-match: \"v1\"") {
            reply("304 Not Modified", &[("ETag", "\"v1\"")], b"")
        } else {
            reply("200 OK", &[("ETag", "\"v1\""), ("Cache-Control", "public, max-age=600"), ("Content-Type", "application/rss+xml")], b"<rss/>")
        }
    });
    let f = open();
    let url = format!("http://{addr}/feed");
    let first = f.get(&url, &Validators::default()).unwrap();
    assert!(first.modified);
    assert_eq!((first.max_age, first.content_type.as_deref()), (Some(600), Some("application/rss+xml")));
    let again = f.get(&url, &first.validators).unwrap();
    assert!(!again.modified && again.body.is_empty() && again.status == 304);
}

#[test]
fn one_host_is_not_asked_more_often_than_its_delay() {
    let addr = serve(|_, _| reply("200 OK", &[], b"ok"));
    let f = Fetcher::new(FetchConfig { allow_private: true, host_delay: Duration::from_millis(300), ..FetchConfig::default() });
    let t = Instant::now();
    for _ in 0..3 {
        f.get(&format!("http://{addr}/"), &Validators::default()).unwrap();
    }
    assert!(t.elapsed() >= Duration::from_millis(600), "{:?}", t.elapsed());
}
