//! The web app's API against its router (no browser, no sockets), on the scripted detector:
//! the guard, the limits, the ids, the headers, and a staff correction that the audit accepts.

use std::sync::Arc;

use crate::common::scripted::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use blindfold::serve::{self, App, ServeOptions, StaffRun, UploadLimits};
use http_body_util::BodyExt;
use tower::ServiceExt;

const PORT: u16 = 8470;
const HOST: &str = "127.0.0.1:8470";

struct Served {
    app: Arc<App>,
    router: Router,
    _dir: tempfile::TempDir,
    config: blindfold::pipeline::RunConfig,
}

/// The app with the scripted run opened for staff (`staff`), or for applicants only.
fn served(staff: bool, limits: UploadLimits) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    run(&config);
    let options = ServeOptions {
        lang: None,
        data: dir.path().join("data"),
        staff: staff.then(|| StaffRun {
            out: config.out.clone(),
            intake: config.intake.clone(),
            roster: Some(config.roster.clone()),
        }),
        user: "reviewer".into(),
        limits,
        config: blindfold::pipeline::RunConfig::new(Default::default()),
    };
    let app = App::new(options, PORT, script().workers(1)).unwrap();
    Served {
        router: serve::router(app.clone()),
        app,
        _dir: dir,
        config,
    }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
}

impl Served {
    /// A request as the app's own page sends it (its host, its cookie).
    fn request(&self, method: &str, uri: &str) -> axum::http::request::Builder {
        let cookie = format!("blindfold_session={}", self.app.guard().session);
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, HOST)
            .header(header::COOKIE, cookie)
    }

    async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body: body.to_vec(),
        }
    }

    async fn get(&self, uri: &str) -> Answer {
        self.send(self.request("GET", uri).body(Body::empty()).unwrap())
            .await
    }

    async fn post_json(&self, uri: &str, json: serde_json::Value) -> Answer {
        let request = self
            .request("POST", uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json.to_string()))
            .unwrap();
        self.send(request).await
    }

    /// A new applicant workspace's id.
    async fn new_workspace(&self) -> String {
        let request = self
            .request("POST", "/api/workspaces")
            .body(Body::empty())
            .unwrap();
        self.send(request).await.json()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// An upload of `files` (name, bytes) into workspace `id`.
    fn upload(&self, id: &str, files: &[(&str, &[u8])]) -> Request<Body> {
        let (content_type, body) = multipart(files);
        self.request("POST", &format!("/api/workspaces/{id}/files"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap()
    }

    async fn workspace(&self) -> serde_json::Value {
        let session = self.get("/api/session").await.json();
        let id = session["workspace"].as_str().unwrap().to_string();
        self.get(&format!("/api/workspaces/{id}")).await.json()
    }
}

fn multipart(files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "blindfold-test-boundary";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn requests_for_a_foreign_host_or_from_another_site_are_refused() {
    let served = served(true, UploadLimits::default());
    let foreign = Request::builder()
        .uri("/api/session")
        .header(header::HOST, "evil.example:8470")
        .header(
            header::COOKIE,
            format!("blindfold_session={}", served.app.guard().session),
        )
        .body(Body::empty())
        .unwrap();
    assert_eq!(served.send(foreign).await.status, StatusCode::FORBIDDEN);
    let cross_site = served
        .request("POST", "/api/workspaces")
        .header(header::ORIGIN, "http://evil.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(served.send(cross_site).await.status, StatusCode::FORBIDDEN);
    let fetched_from_elsewhere = served
        .request("POST", "/api/workspaces")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        served.send(fetched_from_elsewhere).await.status,
        StatusCode::FORBIDDEN
    );
    let own_origin = served
        .request("POST", "/api/workspaces")
        .header(header::ORIGIN, "http://127.0.0.1:8470")
        .body(Body::empty())
        .unwrap();
    assert_eq!(served.send(own_origin).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn without_the_token_nothing_is_served_and_the_token_becomes_a_strict_cookie() {
    let served = served(false, UploadLimits::default());
    let anonymous = |uri: &str| {
        Request::builder()
            .uri(uri)
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap()
    };
    for uri in ["/", "/api/session", "/assets/app.js"] {
        assert_eq!(
            served.send(anonymous(uri)).await.status,
            StatusCode::UNAUTHORIZED,
            "{uri}"
        );
    }
    let wrong = served.send(anonymous("/?token=0123")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let url = served.app.key_url();
    let path = url.strip_prefix("http://127.0.0.1:8470").unwrap();
    let exchanged = served.send(anonymous(path)).await;
    assert_eq!(exchanged.status, StatusCode::SEE_OTHER);
    let cookie = exchanged.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let key = path.strip_prefix("/?token=").unwrap();
    assert!(!cookie.contains(key), "the cookie is another secret");
    // Issue 30 item 12: a key is spent once used; the browser's history replays it in vain.
    let replayed = served.send(anonymous(path)).await;
    assert_eq!(replayed.status, StatusCode::UNAUTHORIZED);
    let page = served.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&page.body).contains("<!DOCTYPE html>"));
}

#[tokio::test]
async fn every_answer_forbids_caching_and_foreign_sources() {
    let served = served(true, UploadLimits::default());
    for uri in [
        "/",
        "/assets/app.js",
        "/api/session",
        "/api/workspaces/nope",
    ] {
        let answer = served.get(uri).await;
        assert_eq!(answer.headers[header::CACHE_CONTROL], "no-store", "{uri}");
        let csp = answer.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
        assert!(!csp.contains("http"), "no external source: {csp}");
        assert_eq!(answer.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}

#[tokio::test]
async fn ids_that_are_not_ours_are_not_found() {
    let served = served(true, UploadLimits::default());
    let workspace = served.workspace().await;
    let id = workspace["id"].as_str().unwrap();
    for uri in [
        "/api/workspaces/0123456789abcdef".to_string(),
        format!("/api/workspaces/{id}/pages/999/image"),
        format!("/api/workspaces/{id}/outputs/999"),
        "/api/workspaces/..%2F..%2Fetc/pages/0/image".to_string(),
    ] {
        assert_eq!(
            served.get(&uri).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
}

#[tokio::test]
async fn uploads_over_the_limits_are_refused() {
    let limits = UploadLimits {
        max_bytes: 4096,
        max_files: 2,
    };
    let served = served(false, limits);
    let id = served.new_workspace().await;
    let upload = |files: &[(&str, &[u8])]| served.upload(&id, files);
    let big = vec![0u8; 10_000];
    let answer = served.send(upload(&[("scan.jpg", &big)])).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    let answer = served
        .send(upload(&[("a.png", b"x"), ("b.png", b"y")]))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["uploads"], 2);
    let answer = served.send(upload(&[("c.png", b"z")])).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    let answer = served.send(upload(&[("../../escape.png", b"z")])).await;
    assert_ne!(answer.status, StatusCode::OK);
}

/// Staff remove a found mask, draw one on a page that had none, confirm, and the audit (run
/// from the page) passes and lists the dismissal; a stale edit conflicts.
#[tokio::test]
async fn staff_corrections_are_rendered_recorded_and_pass_the_audit() {
    let served = served(true, UploadLimits::default());
    let workspace = served.workspace().await;
    let id = workspace["id"].as_str().unwrap();
    let pages = workspace["pages"].as_array().unwrap();
    let page_of = |attachment_end: &str, page: u64| {
        pages
            .iter()
            .find(|p| {
                p["page"] == page && p["attachment"].as_str().unwrap().ends_with(attachment_end)
            })
            .unwrap_or_else(|| panic!("{attachment_end} {page}: {pages:#?}"))
            .clone()
    };
    assert!(
        pages
            .iter()
            .all(|p| !p["attachment"].as_str().unwrap_or("").contains(NAME)),
        "staff see codes and outputs, not the original file names"
    );
    let first = page_of(".pdf", 1);
    let second = page_of(".pdf", 2);
    assert_eq!(first["masking_required"], false);
    let edits =
        |page: &serde_json::Value| format!("/api/workspaces/{id}/pages/{}/edits", page["id"]);

    let removed = served
        .post_json(
            &edits(&second),
            serde_json::json!({"revision": 0, "action": "remove", "index": 0, "reason": "the issuing hospital"}),
        )
        .await;
    assert_eq!(
        removed.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&removed.body)
    );
    assert_eq!(removed.json()["dismissed"][0]["by"], "reviewer");
    assert_eq!(removed.json()["masking_required"], false);
    let stale = served
        .post_json(
            &edits(&second),
            serde_json::json!({"revision": 0, "action": "confirm"}),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    let added = served
        .post_json(
            &edits(&first),
            serde_json::json!({"revision": 0, "action": "add", "kind": "name", "bbox": [20, 20, 120, 60]}),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK);
    assert_eq!(added.json()["masking_required"], true);
    assert_eq!(added.json()["regions"][0]["evidence"], "manual");
    let outside = served
        .post_json(
            &edits(&first),
            serde_json::json!({"revision": 1, "action": "add", "kind": "name", "bbox": [20, 20, 9999, 60]}),
        )
        .await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);

    let image = served
        .get(&format!("/api/workspaces/{id}/pages/{}/image", first["id"]))
        .await;
    assert_eq!(image.headers[header::CONTENT_TYPE], "image/jpeg");
    let shown = image::load_from_memory(&image.body).unwrap().to_rgb8();
    assert_eq!(shown.dimensions(), (400, 300));
    assert!(
        !masked(&shown, [20, 20, 120, 60]),
        "the editor shows the original"
    );

    let audit = served
        .post_json(
            &format!("/api/workspaces/{id}/audit"),
            serde_json::json!({}),
        )
        .await
        .json();
    assert_eq!(audit["passed"], true, "{audit:#}");
    let corrections = audit["corrections"].as_array().unwrap();
    assert!(corrections.iter().any(|c| {
        let c = c.as_str().unwrap();
        c.contains("removed by reviewer") && c.contains("the issuing hospital")
    }));
    let report = served.get(&format!("/api/workspaces/{id}/audit")).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&report.body).contains("Corrections"));

    let manifest =
        blindfold::write::manifest::read(&served.config.out.join("manifest.jsonl")).unwrap();
    let edited = line(&manifest, "推荐表.pdf", Some(1));
    assert_eq!(
        edited.regions[0].evidence,
        blindfold::base::Evidence::Manual
    );
}

/// Issue 30 item 13: in staff mode the workspace, the checklist and the zip's checklist named
/// the intake's folders and files (the applicant's name); staff see codes and outputs only.
#[tokio::test]
async fn item_13_staff_see_no_intake_path() {
    let served = served(true, UploadLimits::default());
    let workspace = served.workspace().await;
    let id = workspace["id"].as_str().unwrap();
    let mut seen = vec![workspace.to_string()];
    let checklist = served
        .get(&format!("/api/workspaces/{id}/checklist.csv"))
        .await;
    seen.push(String::from_utf8_lossy(&checklist.body).into_owned());
    let zip = served
        .get(&format!("/api/workspaces/{id}/masked.zip"))
        .await;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.body)).unwrap();
    let mut inside = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("checklist.csv").unwrap(), &mut inside)
        .unwrap();
    seen.push(inside);
    for (i, name) in archive.file_names().enumerate() {
        seen.push(format!("{i}: {name}"));
    }
    for text in seen {
        assert!(!text.contains(NAME), "{text}");
        assert!(!text.contains(FOLDER), "{text}");
    }
}

/// Issue 30 item 16: twenty parallel uploads went past a limit of five files, an unsafe name got
/// a 500, and a file named like a formula went into the checklist CSV as one.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn item_16_uploads_keep_their_limits_and_names_stay_text() {
    let limits = UploadLimits {
        max_files: 5,
        ..UploadLimits::default()
    };
    let limited = Arc::new(served(false, limits));
    let id = limited.new_workspace().await;
    let mut sent = tokio::task::JoinSet::new();
    for i in 0..20 {
        let request = limited.upload(&id, &[(&format!("{i}.png"), b"not an image")]);
        let limited = limited.clone();
        sent.spawn(async move { limited.send(request).await.status });
    }
    let statuses = sent.join_all().await;
    let accepted = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(accepted, 5, "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::OK || *s == StatusCode::PAYLOAD_TOO_LARGE));

    let served = served(false, UploadLimits::default());
    let id = served.new_workspace().await;
    let bad = served
        .send(served.upload(&id, &[("../../escape.png", b"x")]))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let formula = "+cmd|' /C calc'!A0.jpg";
    let uploaded = served
        .send(served.upload(&id, &[(formula, b"not an image")]))
        .await;
    assert_eq!(uploaded.status, StatusCode::OK);
    let check = served
        .post_json(
            &format!("/api/workspaces/{id}/check"),
            serde_json::json!({"name": NAME, "unit": UNIT}),
        )
        .await;
    assert_eq!(check.status, StatusCode::ACCEPTED);
    let csv = loop {
        let workspace = served.get(&format!("/api/workspaces/{id}")).await.json();
        if workspace["state"] != "processing" {
            break served
                .get(&format!("/api/workspaces/{id}/checklist.csv"))
                .await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let csv = String::from_utf8(csv.body).unwrap();
    assert!(
        csv.lines()
            .any(|row| row.starts_with(&format!("'{formula},"))),
        "{csv}"
    );
}

/// Issue 29: a second double-click opens the running server's page instead of starting another:
/// a live server's launch page is found on its data folder, and none once it has stopped.
#[test]
fn the_running_servers_launch_page_is_found_on_its_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert_eq!(blindfold::serve::running_launch_page(&data), None);
    let options = ServeOptions {
        lang: None,
        data: data.clone(),
        staff: None,
        user: "applicant".into(),
        limits: UploadLimits::default(),
        config: blindfold::pipeline::RunConfig::new(Default::default()),
    };
    let app = App::new(options, 8474, script().workers(1)).unwrap();
    assert_eq!(
        blindfold::serve::running_launch_page(&data).as_deref(),
        Some(app.launch_page())
    );
    app.remove_cache();
    drop(app);
    assert_eq!(blindfold::serve::running_launch_page(&data), None);
}
