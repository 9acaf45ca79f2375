//! The routes: the embedded page and its assets, and the JSON API the page calls. Workspaces
//! and pages are named by opaque ids (a random workspace id, a page's place in the manifest);
//! no route takes a path from the client.

use std::io::Write;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::checklist::{attachment_name, ChecklistRow};
use super::workspace::{Particulars, Role, State as WorkState, UploadError, Workspace, APPLICANT};
use super::{security, App};
use crate::audit::Place;
use crate::base::lang::NOT_IN_ROSTER;
use crate::base::Lang;
use crate::edit::{Action, Edit, EditError};
use crate::write::manifest::{Dismissal, ManifestLine, ManifestRegion, Reviewed, Status};

/// The app's routes behind the guard.
pub fn router(app: Arc<App>) -> Router {
    let guard = app.guard.clone();
    let max_bytes = app.options.limits.max_bytes;
    Router::new()
        .route("/", get(|| asset("text/html; charset=utf-8", INDEX)))
        .route(
            "/assets/app.js",
            get(|| asset("text/javascript; charset=utf-8", SCRIPT)),
        )
        .route(
            "/assets/app.css",
            get(|| asset("text/css; charset=utf-8", STYLE)),
        )
        .route("/api/session", get(session))
        .route("/api/workspaces", post(create_workspace))
        .route(
            "/api/workspaces/{id}",
            get(workspace_view).delete(delete_workspace),
        )
        .route("/api/workspaces/{id}/files", post(upload))
        .route("/api/workspaces/{id}/check", post(start_check))
        .route("/api/workspaces/{id}/pages/{page}/image", get(page_image))
        .route(
            "/api/workspaces/{id}/pages/{page}/thumbnail",
            get(thumbnail),
        )
        .route("/api/workspaces/{id}/pages/{page}/edits", post(edit))
        .route("/api/workspaces/{id}/outputs/{output}", get(download))
        .route("/api/workspaces/{id}/masked.zip", get(zip))
        .route("/api/workspaces/{id}/checklist.csv", get(checklist_csv))
        .route(
            "/api/workspaces/{id}/audit",
            post(run_audit).get(audit_report),
        )
        .layer(DefaultBodyLimit::max(max_bytes))
        .layer(middleware::from_fn_with_state(guard, security::guard))
        .with_state(app)
}

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");

async fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// An error answer: a status and a sentence for the page to show.
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body {
            error: String,
        }
        (self.0, Json(Body { error: self.1 })).into_response()
    }
}

impl ApiError {
    /// A failure of the server's own work, answered with the error's message.
    fn internal(e: impl std::fmt::Display) -> ApiError {
        ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

impl From<UploadError> for ApiError {
    fn from(e: UploadError) -> ApiError {
        let status = match e {
            UploadError::Staff => StatusCode::FORBIDDEN,
            UploadError::TooMany(_) => StatusCode::PAYLOAD_TOO_LARGE,
            UploadError::BadName(_) => StatusCode::BAD_REQUEST,
            UploadError::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError(status, e.to_string())
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> ApiError {
        ApiError::internal(e)
    }
}

type ApiResult<T> = std::result::Result<T, ApiError>;

fn not_found() -> ApiError {
    ApiError(StatusCode::NOT_FOUND, "no such workspace or page".into())
}

fn workspace(app: &App, id: &str) -> ApiResult<Arc<Workspace>> {
    app.workspace(id).ok_or_else(not_found)
}

/// Runs blocking work (rendering, PDFium, the pipeline) off the async threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ApiError::internal)
}

fn lang(app: &App, headers: &HeaderMap) -> Lang {
    app.options.lang.unwrap_or_else(|| {
        let accepted = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        Lang::choose(Some(accepted))
    })
}

#[derive(Serialize)]
struct Session {
    role: Role,
    lang: &'static str,
    user: String,
    /// The workspace to show first: the staff run, or the applicant's latest.
    workspace: Option<String>,
}

async fn session(State(app): State<Arc<App>>, headers: HeaderMap) -> Json<Session> {
    let workspace = app.staff.clone().or_else(|| {
        let workspaces = app.workspaces.lock().expect("workspaces");
        workspaces
            .values()
            .filter(|w| w.role == Role::Applicant)
            .max_by_key(|w| w.created())
            .map(|w| w.id.clone())
    });
    Json(Session {
        role: if app.staff.is_some() {
            Role::Staff
        } else {
            Role::Applicant
        },
        lang: match lang(&app, &headers) {
            Lang::Zh => "zh",
            Lang::En => "en",
        },
        user: app.options.user.clone(),
        workspace,
    })
}

#[derive(Serialize)]
struct Created {
    id: String,
}

async fn create_workspace(State(app): State<Arc<App>>) -> ApiResult<(StatusCode, Json<Created>)> {
    let ws = app.new_workspace()?;
    Ok((StatusCode::CREATED, Json(Created { id: ws.id.clone() })))
}

async fn delete_workspace(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let ws = workspace(&app, &id)?;
    if ws.role != Role::Applicant {
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            "a staff run is not deleted from here".into(),
        ));
    }
    app.remove_workspace(&id);
    blocking(move || ws.delete()).await??;
    Ok(StatusCode::NO_CONTENT)
}

/// One page (or failed file) as the page list and the editor show it.
#[derive(Serialize)]
struct PageView {
    id: usize,
    /// What the user calls the file: the applicant's own file name, or staff's output path.
    attachment: String,
    applicant: Option<String>,
    page: Option<usize>,
    width: Option<u32>,
    height: Option<u32>,
    status: Status,
    masking_required: bool,
    withheld: bool,
    regions: Vec<ManifestRegion>,
    dismissed: Vec<Dismissal>,
    review: Vec<String>,
    error: Option<String>,
    revision: u64,
    reviewed: Option<Reviewed>,
    /// Index into the workspace's outputs, for the download.
    output: Option<usize>,
    /// The page's folder fits no roster row: confirming it needs an explicit choice.
    unknown_applicant: bool,
}

fn page_view(
    role: Role,
    lang: Lang,
    id: usize,
    line: &ManifestLine,
    outputs: &[String],
) -> PageView {
    let attachment = attachment_name(role, line, id);
    PageView {
        id,
        attachment,
        applicant: line.applicant.clone(),
        page: line.page,
        width: line.width,
        height: line.height,
        status: line.status,
        masking_required: line.masking_required,
        withheld: line.withheld,
        regions: line.regions.clone(),
        dismissed: line.dismissed.clone(),
        review: line.review.iter().map(|r| lang.review_reason(r)).collect(),
        error: line
            .error
            .is_some()
            .then(|| crate::check::error_message(lang, line)),
        revision: line.revision,
        reviewed: line.reviewed.clone(),
        output: line
            .output
            .as_ref()
            .and_then(|o| outputs.iter().position(|x| x == o)),
        unknown_applicant: line.review.iter().any(|r| r == NOT_IN_ROSTER),
    }
}

#[derive(Serialize)]
struct WorkspaceView {
    id: String,
    role: Role,
    state: WorkState,
    reason: Option<String>,
    uploads: usize,
    files: usize,
    files_done: usize,
    pages_done: usize,
    pages: Vec<PageView>,
    outputs: Vec<String>,
    /// Per attachment, whether it needs masking (the printable checklist; the CSV has the same).
    checklist: Vec<ChecklistRow>,
    /// Files whose corrections the last check could not keep (gone or changed since).
    lost_corrections: Vec<String>,
    particulars: Option<Particulars>,
}

async fn workspace_view(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<WorkspaceView>> {
    let ws = workspace(&app, &id)?;
    let lang = lang(&app, &headers);
    let (state, reason) = ws.state();
    let outputs = ws.outputs();
    let pages = ws
        .with_run(|run| {
            run.lines()
                .iter()
                .enumerate()
                .map(|(i, line)| page_view(ws.role, lang, i, line, &outputs))
                .collect()
        })
        .unwrap_or_default();
    let load = |counter: &std::sync::atomic::AtomicUsize| {
        counter.load(std::sync::atomic::Ordering::Relaxed)
    };
    Ok(Json(WorkspaceView {
        id: ws.id.clone(),
        role: ws.role,
        state,
        reason,
        uploads: ws.upload_count(),
        files: load(&ws.progress.files),
        files_done: load(&ws.progress.files_done),
        pages_done: load(&ws.progress.pages_done),
        pages,
        outputs,
        checklist: ws.checklist(lang),
        lost_corrections: ws.lost_corrections(),
        particulars: ws.particulars(),
    }))
}

#[derive(Serialize)]
struct Uploaded {
    uploads: usize,
}

async fn upload(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> ApiResult<Json<Uploaded>> {
    let ws = workspace(&app, &id)?;
    if ws.role != Role::Applicant {
        return Err(ApiError(
            StatusCode::FORBIDDEN,
            "a staff run takes no uploads".into(),
        ));
    }
    let too_large =
        |e: axum::extract::multipart::MultipartError| ApiError(e.status(), e.body_text());
    let max_files = app.options.limits.max_files;
    while let Some(mut field) = multipart.next_field().await.map_err(too_large)? {
        let Some(name) = field.file_name().map(String::from) else {
            continue;
        };
        let receiver = ws.clone();
        let mut upload = blocking(move || receiver.start_upload(&name, max_files)).await??;
        while let Some(chunk) = field.chunk().await.map_err(too_large)? {
            upload = blocking(move || upload.write(&chunk).map(|()| upload)).await??;
        }
        blocking(move || upload.finish()).await??;
    }
    Ok(Json(Uploaded {
        uploads: ws.upload_count(),
    }))
}

async fn start_check(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Json(particulars): Json<Particulars>,
) -> ApiResult<StatusCode> {
    let ws = workspace(&app, &id)?;
    let unprocessable = |what: &str| Err(ApiError(StatusCode::UNPROCESSABLE_ENTITY, what.into()));
    if ws.role != Role::Applicant {
        return unprocessable("a staff run is checked with blindfold run");
    }
    if particulars.name.trim().is_empty() || particulars.unit.trim().is_empty() {
        return unprocessable("name and unit are needed");
    }
    if ws.upload_count() == 0 {
        return unprocessable("no files uploaded");
    }
    if particulars
        .max_file_mb
        .is_some_and(|mb| crate::write::render::megabytes(mb).is_none())
    {
        return unprocessable("the size limit is not a size in MB above 0");
    }
    if !ws.begin_processing() {
        return Err(ApiError(StatusCode::CONFLICT, "already processing".into()));
    }
    let particulars = Particulars {
        name: particulars.name.trim().to_string(),
        unit: particulars.unit.trim().to_string(),
        aliases: particulars
            .aliases
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect(),
        max_file_mb: particulars.max_file_mb,
    };
    tokio::task::spawn_blocking(move || {
        let _busy = app.busy.lock().unwrap_or_else(|e| e.into_inner());
        ws.check(&particulars, &app.options.config, || app.detectors());
    });
    Ok(StatusCode::ACCEPTED)
}

fn line_of(ws: &Workspace, page: usize) -> ApiResult<ManifestLine> {
    ws.with_run(|run| run.lines().get(page).cloned())
        .flatten()
        .filter(|line| line.page.is_some())
        .ok_or_else(not_found)
}

/// A JPEG of page `page` made by `make` (the editor's image or the thumbnail), off the async
/// threads.
async fn page_jpeg(
    app: &App,
    id: &str,
    page: usize,
    make: fn(&Workspace, &ManifestLine, usize) -> crate::Result<Vec<u8>>,
) -> ApiResult<Response> {
    let ws = workspace(app, id)?;
    let line = line_of(&ws, page)?;
    let bytes = blocking(move || make(&ws, &line, page)).await??;
    Ok(([(header::CONTENT_TYPE, "image/jpeg")], bytes).into_response())
}

async fn page_image(
    State(app): State<Arc<App>>,
    Path((id, page)): Path<(String, usize)>,
) -> ApiResult<Response> {
    page_jpeg(&app, &id, page, Workspace::page_image).await
}

async fn thumbnail(
    State(app): State<Arc<App>>,
    Path((id, page)): Path<(String, usize)>,
) -> ApiResult<Response> {
    page_jpeg(&app, &id, page, Workspace::thumbnail).await
}

/// An edit as the page sends it: the revision it was made on and the action.
#[derive(Deserialize)]
struct EditRequest {
    revision: u64,
    #[serde(flatten)]
    action: Action,
}

async fn edit(
    State(app): State<Arc<App>>,
    Path((id, page)): Path<(String, usize)>,
    headers: HeaderMap,
    Json(request): Json<EditRequest>,
) -> ApiResult<Json<PageView>> {
    let ws = workspace(&app, &id)?;
    let line = line_of(&ws, page)?;
    let edit = Edit {
        output: line.output.clone().ok_or_else(not_found)?,
        page: line.page.unwrap_or(1),
        revision: request.revision,
        by: match ws.role {
            Role::Applicant => APPLICANT.to_string(),
            Role::Staff => app.options.user.clone(),
        },
        at: crate::edit::now(),
        action: request.action,
    };
    let lang = lang(&app, &headers);
    let worker = ws.clone();
    let edited = blocking(move || worker.with_run(|run| run.edit(edit))).await?;
    match edited.ok_or_else(not_found)? {
        Ok(_) => {}
        Err(EditError::Conflict { current }) => {
            return Err(ApiError(
                StatusCode::CONFLICT,
                format!("the page was changed meanwhile (now revision {current})"),
            ))
        }
        Err(EditError::NoSuchPage { .. }) => return Err(not_found()),
        Err(EditError::Invalid(why)) => {
            return Err(ApiError(StatusCode::UNPROCESSABLE_ENTITY, why))
        }
        Err(EditError::Run(e)) => return Err(e.into()),
    }
    let line = line_of(&ws, page)?;
    Ok(Json(page_view(ws.role, lang, page, &line, &ws.outputs())))
}

/// A download: `file_name` in UTF-8 for browsers (RFC 6266), its ASCII letters for the rest.
fn attachment(content_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded =
        percent_encoding::utf8_percent_encode(file_name, percent_encoding::NON_ALPHANUMERIC);
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let (Ok(kind), Ok(disposition)) = (
        HeaderValue::from_str(content_type),
        HeaderValue::from_str(&disposition),
    ) {
        headers.insert(header::CONTENT_TYPE, kind);
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

/// The masked copies with the names they are downloaded as, in the checklist's order.
fn downloads(ws: &Workspace, lang: Lang) -> Vec<(String, String)> {
    ws.checklist(lang)
        .into_iter()
        .filter_map(|row| Some((row.masked_copy?, row.download?)))
        .collect()
}

async fn download(
    State(app): State<Arc<App>>,
    Path((id, output)): Path<(String, usize)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ws = workspace(&app, &id)?;
    let output = ws.outputs().get(output).cloned().ok_or_else(not_found)?;
    let name = downloads(&ws, lang(&app, &headers))
        .into_iter()
        .find(|(copy, _)| *copy == output)
        .map(|(_, name)| name)
        .ok_or_else(not_found)?;
    let path = ws.out().join(&output);
    let bytes = blocking(move || std::fs::read(&path)).await?;
    let bytes = bytes.map_err(ApiError::internal)?;
    let kind = if output.ends_with(".pdf") {
        "application/pdf"
    } else {
        "application/octet-stream"
    };
    Ok(attachment(kind, &name, bytes))
}

/// `text` as a spreadsheet shows it without running it: text that a spreadsheet would take for
/// a formula (an uploaded file named `=HYPERLINK(…)` or `+cmd|…`) gets a leading apostrophe.
fn inert(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// The checklist as CSV (UTF-8 with a byte-order mark, so that Excel reads the Chinese).
fn checklist_csv_bytes(ws: &Workspace, lang: Lang) -> ApiResult<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = match lang {
        Lang::Zh => [
            "附件",
            "遮盖后文件",
            "页数",
            "是否需要遮盖",
            "需人工复核页数",
            "错误",
            "被移除的遮盖",
        ],
        Lang::En => [
            "attachment",
            "masked copy",
            "pages",
            "masking required",
            "pages to review",
            "error",
            "masks removed",
        ],
    };
    writer.write_record(header).map_err(ApiError::internal)?;
    for row in ws.checklist(lang) {
        let required = match (lang, row.masking_required) {
            (Lang::Zh, true) => "是",
            (Lang::Zh, false) => "否",
            (Lang::En, true) => "yes",
            (Lang::En, false) => "no",
        };
        writer
            .write_record([
                inert(&row.attachment),
                inert(row.download.as_deref().unwrap_or_default()),
                row.pages.to_string(),
                required.to_string(),
                row.review.to_string(),
                inert(row.error.as_deref().unwrap_or("")),
                inert(&row.removed.join("; ")),
            ])
            .map_err(ApiError::internal)?;
    }
    writer.into_inner().map_err(ApiError::internal)
}

async fn checklist_csv(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ws = workspace(&app, &id)?;
    let bytes = checklist_csv_bytes(&ws, lang(&app, &headers))?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        "checklist.csv",
        bytes,
    ))
}

/// Every masked copy and the checklist in one zip.
async fn zip(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let ws = workspace(&app, &id)?;
    let lang = lang(&app, &headers);
    let checklist = checklist_csv_bytes(&ws, lang)?;
    let downloads = downloads(&ws, lang);
    let bytes = blocking(move || -> std::io::Result<Vec<u8>> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("checklist.csv", options)?;
        zip.write_all(&checklist)?;
        for (output, name) in downloads {
            zip.start_file(name, options)?;
            zip.write_all(&std::fs::read(ws.out().join(&output))?)?;
        }
        Ok(zip.finish()?.into_inner())
    })
    .await?
    .map_err(ApiError::internal)?;
    let name = match lang {
        Lang::Zh => "遮盖件.zip",
        Lang::En => "masked copies.zip",
    };
    Ok(attachment("application/zip", name, bytes))
}

#[derive(Serialize)]
struct AuditView {
    passed: bool,
    problems: Vec<Finding>,
    corrections: Vec<String>,
}

/// An audit finding as the page lists it: its words, the page it is on (a manifest line's
/// index) when it names one, so that the page opens from it, and what the re-scan found where
/// when that is the finding, so that the page draws it and it can be masked or dismissed.
#[derive(Serialize)]
struct Finding {
    text: String,
    page: Option<usize>,
    kind: Option<crate::base::Kind>,
    bbox: Option<[u32; 4]>,
}

async fn run_audit(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<AuditView>> {
    let ws = workspace(&app, &id)?;
    let lang = lang(&app, &headers);
    let result = blocking(move || -> crate::Result<AuditView> {
        let _busy = app.busy.lock().unwrap_or_else(|e| e.into_inner());
        let audit = crate::audit::Audit {
            out: ws.out().to_path_buf(),
            intake: (ws.role == Role::Staff).then(|| ws.intake().to_path_buf()),
            roster: ws.roster.clone(),
            mask_color: None,
        };
        let result = audit.run(app.detectors())?;
        let report = result.html(lang);
        crate::write::write_atomic(&ws.cache().join("audit.html"), report.as_bytes())?;
        let pages: Vec<(Option<String>, Option<usize>)> = ws
            .with_run(|run| {
                run.lines()
                    .iter()
                    .map(|l| (l.output.clone(), l.page))
                    .collect()
            })
            .unwrap_or_default();
        let page_of = |place: &Place| match place {
            Place::Page { output, page } => pages
                .iter()
                .position(|(o, p)| o.as_ref() == Some(output) && *p == Some(*page)),
            _ => None,
        };
        Ok(AuditView {
            passed: result.problems.is_empty(),
            problems: result
                .problems
                .iter()
                .map(|p| {
                    let (kind, bbox) = match p.finding {
                        crate::audit::Finding::Unmasked { kind, bbox } => (Some(kind), Some(bbox)),
                        _ => (None, None),
                    };
                    Finding {
                        text: p.public(lang),
                        page: page_of(&p.place),
                        kind,
                        bbox,
                    }
                })
                .collect(),
            corrections: result.corrections.iter().map(|c| c.text(lang)).collect(),
        })
    })
    .await??;
    Ok(Json(result))
}

/// The audit's own report page (self-contained: its styles and script are inline, its images
/// data URLs), under a policy that allows exactly that and nothing from elsewhere.
async fn audit_report(State(app): State<Arc<App>>, Path(id): Path<String>) -> ApiResult<Response> {
    let ws = workspace(&app, &id)?;
    let html = std::fs::read(ws.cache().join("audit.html")).map_err(|_| not_found())?;
    let policy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; \
                  img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, policy),
        ],
        html,
    )
        .into_response())
}
