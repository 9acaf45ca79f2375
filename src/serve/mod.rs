//! `blindfold serve`: the local web app. Applicants upload their files, see every page with its
//! masks and 是否需要遮盖, correct them and download the masked copies and a checklist; staff open a
//! finished run and work through its review queue. It listens on 127.0.0.1 only, behind the
//! [`security`] guard; its pages are embedded in the binary; every correction goes through
//! [`crate::edit`] (journal, re-render from the original, manifest).

mod api;
mod checklist;
pub mod security;
pub mod workspace;

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::base::Lang;
use crate::detect::{Detections, Detector};
use crate::error::{Error, Result};
use crate::pages::Page;
use crate::pipeline::RunConfig;
use crate::write::lock::FolderLock;
use security::Guard;
use workspace::Workspace;

pub use api::router;

/// A finished run for staff to open.
#[derive(Debug, Clone)]
pub struct StaffRun {
    /// The run's output folder.
    pub out: PathBuf,
    /// Its intake.
    pub intake: PathBuf,
    /// Its roster (for the audit's unit aliases).
    pub roster: Option<PathBuf>,
}

/// Limits on what one workspace takes, on top of the page limits.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    /// Largest request body (one upload of one or several files), in bytes.
    pub max_bytes: usize,
    /// Most files in one workspace.
    pub max_files: usize,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            max_bytes: 200 * 1024 * 1024,
            max_files: 300,
        }
    }
}

/// How the server is set up.
pub struct ServeOptions {
    /// Language of the pages, when not taken from the browser.
    pub lang: Option<Lang>,
    /// Where applicant workspaces and the page cache live.
    pub data: PathBuf,
    /// The run staff open, if any.
    pub staff: Option<StaffRun>,
    /// Who makes the corrections (recorded in the manifest).
    pub user: String,
    /// Upload limits.
    pub limits: UploadLimits,
    /// How pages are processed (output options, limits, what to find).
    pub config: RunConfig,
}

/// The server's state, shared by all requests.
pub struct App {
    options: ServeOptions,
    guard: Guard,
    detectors: Vec<SharedDetector>,
    /// One processing job (check or audit) at a time: they share the detectors.
    busy: Mutex<()>,
    workspaces: Mutex<HashMap<String, Arc<Workspace>>>,
    /// The staff run's workspace id.
    staff: Option<String>,
    /// This server's page cache (`DATA/cache/<server>`), held locked while it runs.
    cache: PathBuf,
    _cache_lock: FolderLock,
}

/// Applicant workspaces, under the data folder.
const WORKSPACES: &str = "workspaces";
/// The servers' page caches, under the data folder.
const CACHES: &str = "cache";
/// The launch page, in the server's cache.
const LAUNCH_PAGE: &str = "open.html";

/// The launch page of a server running on the data folder `data`, if one is: a second start
/// (a second double-click) opens it instead of starting another server.
pub fn running_launch_page(data: &std::path::Path) -> Option<PathBuf> {
    std::fs::read_dir(data.join(CACHES))
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .find(|cache| FolderLock::is_held(cache) && cache.join(LAUNCH_PAGE).is_file())
        .map(|cache| cache.join(LAUNCH_PAGE))
}

/// Removes the caches under `caches` that no live server holds (a server stopped by a crash or
/// a closed window leaves its unmasked page renders behind).
fn remove_stale_caches(caches: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(caches) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let stale = match FolderLock::acquire(&path, "serve") {
            Ok(_released) => true,
            Err(Error::Busy { .. }) => false,
            Err(_) => !path.join(crate::write::lock::LOCK_FILE).exists(),
        };
        if stale {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

impl App {
    /// The app for `port`: the staff run opened (its journal replayed), the applicant
    /// workspaces left on disk by earlier sessions found again, the page caches that no live
    /// server holds removed, and a launch page for the user's browser.
    pub fn new(
        options: ServeOptions,
        port: u16,
        detectors: Vec<Box<dyn Detector>>,
    ) -> Result<Arc<App>> {
        // An existing data folder (even /tmp) is left as it is; what blindfold keeps in it is
        // private to the user.
        workspace::create_missing_private(&options.data)?;
        let applicants = options.data.join(WORKSPACES);
        let caches = options.data.join(CACHES);
        workspace::create_private(&applicants)?;
        workspace::create_private(&caches)?;
        remove_stale_caches(&caches);
        let server = security::random_id();
        let cache = caches.join(&server);
        workspace::create_private(&cache)?;
        let cache_lock = FolderLock::acquire(&cache, "serve")?;
        let mut workspaces = HashMap::new();
        let staff = match &options.staff {
            Some(run) => {
                let id = security::random_id();
                let ws = Arc::new(Workspace::staff(
                    &id,
                    &run.out,
                    &run.intake,
                    run.roster.clone(),
                    &cache.join(&id),
                )?);
                let warming = ws.clone();
                std::thread::spawn(move || warming.render_page_images());
                workspaces.insert(id.clone(), ws);
                Some(id)
            }
            None => None,
        };
        if let Ok(entries) = std::fs::read_dir(&applicants) {
            for entry in entries.flatten() {
                let id = entry.file_name().to_string_lossy().to_string();
                if let Ok(ws) = Workspace::applicant(&id, &entry.path(), &cache.join(&id)) {
                    workspaces.insert(id, Arc::new(ws));
                }
            }
        }
        let launch = cache.join(LAUNCH_PAGE);
        let guard = Guard::new(port, launch.clone()).map_err(|e| Error::io(launch, e))?;
        Ok(Arc::new(App {
            guard,
            detectors: detectors
                .into_iter()
                .map(|d| SharedDetector(Arc::new(Mutex::new(d))))
                .collect(),
            busy: Mutex::new(()),
            workspaces: Mutex::new(workspaces),
            staff,
            cache,
            _cache_lock: cache_lock,
            options,
        }))
    }

    /// A one-time address that lets one browser in.
    pub fn key_url(&self) -> String {
        self.guard.key_url()
    }

    /// The launch page for the user's own browser: it holds a fresh key, and only the user can
    /// read it.
    pub fn launch_page(&self) -> &std::path::Path {
        self.guard.launch()
    }

    /// Removes this server's page cache (unmasked renders) and its launch page.
    pub fn remove_cache(&self) {
        let _ = std::fs::remove_dir_all(&self.cache);
    }

    /// The guard's secrets (for tests that play the browser).
    pub fn guard(&self) -> &Guard {
        &self.guard
    }

    fn workspace(&self, id: &str) -> Option<Arc<Workspace>> {
        self.workspaces.lock().expect("workspaces").get(id).cloned()
    }

    fn new_workspace(&self) -> Result<Arc<Workspace>> {
        let id = security::random_id();
        let dir = self.options.data.join(WORKSPACES).join(&id);
        let ws = Arc::new(Workspace::applicant(&id, &dir, &self.cache.join(&id))?);
        self.workspaces
            .lock()
            .expect("workspaces")
            .insert(id, ws.clone());
        Ok(ws)
    }

    fn remove_workspace(&self, id: &str) {
        self.workspaces.lock().expect("workspaces").remove(id);
    }

    /// The detectors for one job, while `busy` is held.
    fn detectors(&self) -> Vec<Box<dyn Detector>> {
        self.detectors
            .iter()
            .map(|d| Box::new(d.clone()) as Box<dyn Detector>)
            .collect()
    }
}

/// A detector shared by the jobs one after another (the busy lock keeps them apart).
#[derive(Clone)]
struct SharedDetector(Arc<Mutex<Box<dyn Detector>>>);

impl Detector for SharedDetector {
    fn detect(&mut self, page: &image::RgbImage) -> Result<Detections> {
        self.0.lock().expect("detector lock").detect(page)
    }

    fn detect_page(&mut self, page: &Page) -> Result<Detections> {
        self.0.lock().expect("detector lock").detect_page(page)
    }
}

/// Serves the app on 127.0.0.1:`port` (0: any free port) until Ctrl+C; prints the address and,
/// unless told not to, opens it in the browser.
pub fn serve(
    options: ServeOptions,
    port: u16,
    open_browser: bool,
    detectors: Vec<Box<dyn Detector>>,
) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| Error::Usage(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::io("socket", e))?
            .port();
        let app = App::new(options, port, detectors)?;
        let url = app.key_url();
        let launch = app.launch_page().display().to_string();
        // The address is what a user needs; a closed or full stdout must not stop the server.
        let mut stdout = std::io::stdout();
        let _ = writeln!(
            stdout,
            "blindfold serve: {url}\n\
             该地址只能打开一次；再次打开请用 / this address opens once; to open again use: {launch}\n\
             按 Ctrl+C 停止 / press Ctrl+C to stop"
        );
        let _ = stdout.flush();
        if open_browser {
            // The launch page, not the address: a key on a command line shows in the process list.
            crate::platform::open_in_browser(&launch);
        }
        let served = axum::serve(listener, router(app.clone()))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::io("server", e));
        app.remove_cache();
        served
    })
}
