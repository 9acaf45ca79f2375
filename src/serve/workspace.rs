//! A workspace of the web app: an applicant's uploads and their check, or a finished staff run
//! opened for review. Everything lives on disk (originals, outputs, the journal, cached page
//! images), so memory stays small whatever the number of pages.

use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::checklist::{attachment_name, checklist, outputs, ChecklistRow};
use crate::base::Lang;
use crate::check::CheckRequest;
use crate::edit::EditedRun;
use crate::error::{Error, Result};
use crate::pages::{Document, Page};
use crate::write::lock::FolderLock;
use crate::write::manifest::{ManifestLine, Status, MANIFEST_FILE};

use crate::write::raster;

/// Who works in a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An applicant checking their own files.
    Applicant,
    /// Committee staff reviewing a run.
    Staff,
}

/// Where a workspace is in its work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Waiting for files.
    Empty,
    /// Pages are being processed.
    Processing,
    /// Processed: pages can be looked at and corrected.
    Ready,
    /// Processing failed as a whole.
    Failed,
}

/// The applicant's particulars, kept beside their uploads so that a restarted server can check
/// again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Particulars {
    /// 姓名
    pub name: String,
    /// 工作单位
    pub unit: String,
    /// Other spellings of the unit.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The largest masked copy the platform takes, in MB (none: no limit).
    #[serde(default)]
    pub max_file_mb: Option<f64>,
}

/// One workspace.
pub struct Workspace {
    /// Its opaque id.
    pub id: String,
    /// Who works in it.
    pub role: Role,
    /// Folder the manifest's sources are relative to.
    intake: PathBuf,
    /// The run's output folder.
    out: PathBuf,
    /// Cached page images and reports.
    cache: PathBuf,
    /// An applicant's own folder, deleted with the workspace.
    own: Option<PathBuf>,
    /// The staff run's roster, for the audit.
    pub roster: Option<PathBuf>,
    state: Mutex<(State, Option<String>)>,
    /// Files and pages processed so far, and the files to do.
    pub progress: Counter,
    run: Mutex<Option<EditedRun>>,
    /// Uploads being received now (they count against the file limit).
    receiving: Mutex<usize>,
    /// Uploads started so far (names their partial files).
    received: AtomicUsize,
    /// Files arrived while a check ran: it checks again when it is done.
    arrived: std::sync::atomic::AtomicBool,
    /// Corrected pages of the previous check whose file has since gone or changed.
    lost: Mutex<Vec<ManifestLine>>,
    /// A staff run's output folder is this server's alone while it is open.
    _lock: Option<FolderLock>,
}

/// Progress counts, updated by the pipeline's threads.
#[derive(Debug, Default)]
pub struct Counter {
    /// Files to process.
    pub files: AtomicUsize,
    /// Files done.
    pub files_done: AtomicUsize,
    /// Pages done.
    pub pages_done: AtomicUsize,
}

impl crate::pipeline::Progress for Counter {
    fn start(&self, files: usize) {
        self.files.store(files, Ordering::Relaxed);
        self.files_done.store(0, Ordering::Relaxed);
        self.pages_done.store(0, Ordering::Relaxed);
    }

    fn file_done(&self, pages: usize, _: &crate::pipeline::ThreadTimes) {
        self.files_done.fetch_add(1, Ordering::Relaxed);
        self.pages_done.fetch_add(pages, Ordering::Relaxed);
    }
}

/// Who an applicant's corrections are recorded as (the manifest's `by`).
pub(super) const APPLICANT: &str = "applicant";

/// Uploaded files of an applicant, under their workspace.
pub(super) const UPLOADS: &str = "files";
/// Uploads still arriving, under their workspace.
const INCOMING: &str = "incoming";

/// A file being uploaded: written to a partial file, moved among the uploads by
/// [`Upload::finish`], removed when dropped unfinished.
pub struct Upload {
    workspace: Arc<Workspace>,
    path: PathBuf,
    partial: PathBuf,
    file: Option<std::fs::File>,
}

impl Upload {
    /// Appends `bytes` to the file.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        let file = self.file.as_mut().expect("an unfinished upload");
        file.write_all(bytes)
            .map_err(|e| Error::io(&self.partial, e))
    }

    /// Puts the whole file in place: the workspace's earlier check no longer stands, and a
    /// check running now checks again with it when it is done.
    pub fn finish(mut self) -> Result<()> {
        drop(self.file.take());
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::rename(&self.partial, &self.path).map_err(|e| Error::io(&self.path, e))?;
        let ws = &self.workspace;
        let mut state = ws.state.lock().expect("state lock");
        if state.0 == State::Processing {
            ws.arrived.store(true, Ordering::SeqCst);
        } else {
            *ws.run.lock().expect("run lock") = None;
            *state = (State::Empty, None);
        }
        Ok(())
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.partial);
        }
        *self.workspace.receiving.lock().expect("upload lock") -= 1;
    }
}

/// Why an upload is refused.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// A staff run takes no uploads.
    #[error("a staff run takes no uploads")]
    Staff,
    /// The workspace holds its most files.
    #[error("at most {0} files per workspace")]
    TooMany(usize),
    /// The name would leave the workspace or is empty.
    #[error("unusable file name: {0}")]
    BadName(String),
    /// The file could not be written.
    #[error(transparent)]
    Failed(#[from] Error),
}

impl Workspace {
    /// A new, empty applicant workspace in `dir` (created private to the user).
    pub fn applicant(id: &str, dir: &Path, cache: &Path) -> Result<Workspace> {
        create_private(&dir.join(UPLOADS))?;
        // What was arriving when an earlier server stopped is incomplete.
        let _ = std::fs::remove_dir_all(dir.join(INCOMING));
        create_private(cache)?;
        let workspace = Workspace {
            id: id.to_string(),
            role: Role::Applicant,
            intake: dir.to_path_buf(),
            out: dir.join("out"),
            cache: cache.to_path_buf(),
            own: Some(dir.to_path_buf()),
            roster: None,
            state: Mutex::new((State::Empty, None)),
            progress: Counter::default(),
            run: Mutex::new(None),
            receiving: Mutex::new(0),
            received: AtomicUsize::new(0),
            arrived: Default::default(),
            lost: Mutex::default(),
            _lock: None,
        };
        if workspace.out.join(MANIFEST_FILE).is_file() {
            workspace.open_run();
        }
        Ok(workspace)
    }

    /// A finished run in `out` with its intake, opened for staff (its journal replayed).
    pub fn staff(
        id: &str,
        out: &Path,
        intake: &Path,
        roster: Option<PathBuf>,
        cache: &Path,
    ) -> Result<Workspace> {
        create_private(cache)?;
        if !out.is_dir() {
            return Err(Error::Usage(format!(
                "{} is not a folder: --out takes the output folder of a run",
                out.display()
            )));
        }
        let lock = FolderLock::acquire(out, "serve")?;
        let run = EditedRun::open(out, intake)?;
        Ok(Workspace {
            id: id.to_string(),
            role: Role::Staff,
            intake: intake.to_path_buf(),
            out: out.to_path_buf(),
            cache: cache.to_path_buf(),
            own: None,
            roster,
            state: Mutex::new((State::Ready, None)),
            progress: Counter::default(),
            run: Mutex::new(Some(run)),
            receiving: Mutex::new(0),
            received: AtomicUsize::new(0),
            arrived: Default::default(),
            lost: Mutex::default(),
            _lock: Some(lock),
        })
    }

    /// The state and, when failed, why.
    pub fn state(&self) -> (State, Option<String>) {
        self.state.lock().expect("state lock").clone()
    }

    fn set_state(&self, state: State, reason: Option<String>) {
        *self.state.lock().expect("state lock") = (state, reason);
    }

    /// The run, when there is one, for reading or editing.
    pub fn with_run<T>(&self, f: impl FnOnce(&mut EditedRun) -> T) -> Option<T> {
        self.run.lock().expect("run lock").as_mut().map(f)
    }

    /// When an applicant's workspace was made (to open the latest first).
    pub fn created(&self) -> Option<std::time::SystemTime> {
        let own = self.own.as_ref()?;
        std::fs::metadata(own).and_then(|m| m.modified()).ok()
    }

    /// The applicant's particulars, once they have checked.
    pub fn particulars(&self) -> Option<Particulars> {
        read_particulars(self.own.as_ref()?)
    }

    /// The output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// The intake folder (the audit's).
    pub fn intake(&self) -> &Path {
        &self.intake
    }

    /// The cache folder.
    pub fn cache(&self) -> &Path {
        &self.cache
    }

    /// Starts receiving an uploaded file, to be saved at `relative` in the workspace once
    /// [`Upload::finish`]ed. Refused beyond `max_files` (counting files still arriving), for a
    /// name that leaves the workspace, and in staff workspaces.
    pub fn start_upload(
        self: &Arc<Self>,
        relative: &str,
        max_files: usize,
    ) -> Result<Upload, UploadError> {
        let Some(own) = &self.own else {
            return Err(UploadError::Staff);
        };
        let relative =
            safe_relative(relative).ok_or_else(|| UploadError::BadName(relative.to_string()))?;
        let mut receiving = self.receiving.lock().expect("upload lock");
        if self.upload_count() + *receiving >= max_files {
            return Err(UploadError::TooMany(max_files));
        }
        let incoming = own.join(INCOMING);
        std::fs::create_dir_all(&incoming).map_err(|e| Error::io(&incoming, e))?;
        *receiving += 1;
        drop(receiving);
        let partial = incoming.join(format!("{}", self.received.fetch_add(1, Ordering::Relaxed)));
        // Made before the file, so that a failure releases its place.
        let mut upload = Upload {
            workspace: self.clone(),
            path: own.join(UPLOADS).join(relative),
            file: None,
            partial,
        };
        let file =
            std::fs::File::create(&upload.partial).map_err(|e| Error::io(&upload.partial, e))?;
        upload.file = Some(file);
        Ok(upload)
    }

    /// Number of uploaded files.
    pub fn upload_count(&self) -> usize {
        self.own.as_ref().map_or(0, |own| {
            walkdir::WalkDir::new(own.join(UPLOADS))
                .into_iter()
                .filter_map(std::result::Result::ok)
                .filter(|e| e.file_type().is_file())
                .count()
        })
    }

    /// Marks the workspace as processing; false when it already is, or while files arrive.
    pub fn begin_processing(&self) -> bool {
        let mut state = self.state.lock().expect("state lock");
        if state.0 == State::Processing || *self.receiving.lock().expect("upload lock") > 0 {
            return false;
        }
        *state = (State::Processing, None);
        true
    }

    /// Checks the uploads as `check` does (with the shared detectors) and opens the result.
    pub fn check(
        &self,
        particulars: &Particulars,
        config: &crate::pipeline::RunConfig,
        detectors: impl Fn() -> Vec<Box<dyn crate::detect::Detector>>,
    ) {
        let own = self.own.as_ref().expect("applicant workspace");
        // The corrections of the check this one replaces, made again on its results.
        let earlier =
            crate::write::manifest::read(&self.out.join(MANIFEST_FILE)).unwrap_or_default();
        let journal = crate::edit::journal::read(&self.out).unwrap_or_default();
        loop {
            let checked = write_json(&own.join("applicant.json"), particulars).and_then(|()| {
                let request = CheckRequest {
                    paths: vec![own.join(UPLOADS)],
                    name: particulars.name.clone(),
                    unit: particulars.unit.clone(),
                    aliases: particulars.aliases.clone(),
                };
                let mut config = crate::pipeline::RunConfig {
                    out: self.out.clone(),
                    previews: false,
                    ..config.clone()
                };
                config.output.max_file_bytes = particulars
                    .max_file_mb
                    .and_then(crate::write::render::megabytes);
                crate::check::run(&request, &config, detectors(), &self.progress)
            });
            let opened = checked.and_then(|_| {
                let mut run = EditedRun::open(&self.out, &self.intake)?;
                let lost = run.carry_over(&earlier, &journal, APPLICANT)?;
                *self.lost.lock().expect("lost lock") = lost;
                Ok(run)
            });
            let mut state = self.state.lock().expect("state lock");
            if self.arrived.swap(false, Ordering::SeqCst) {
                continue;
            }
            match opened {
                Ok(run) => {
                    let _ = std::fs::remove_dir_all(&self.cache);
                    let _ = create_private(&self.cache);
                    *self.run.lock().expect("run lock") = Some(run);
                    *state = (State::Ready, None);
                    drop(state);
                    self.render_page_images();
                }
                Err(e) => *state = (State::Failed, Some(e.to_string())),
            }
            return;
        }
    }

    /// Renders the editor images of the pages someone will open into the cache, so that opening
    /// them shows them at once: every page of an applicant's check, the pages to review of a
    /// staff run (others are rendered when first opened). A page that cannot be rendered is left
    /// for the editor to report.
    pub fn render_page_images(&self) {
        let lines: Vec<ManifestLine> = self
            .with_run(|run| run.lines().to_vec())
            .unwrap_or_default();
        let wanted = |line: &ManifestLine| match self.role {
            Role::Applicant => true,
            Role::Staff => line.status != Status::Ok && line.reviewed.is_none(),
        };
        for (index, line) in lines.iter().enumerate() {
            if line.page.is_some() && !line.withheld && wanted(line) {
                let _ = self.page_image(line, index);
            }
        }
    }

    fn open_run(&self) {
        match EditedRun::open(&self.out, &self.intake) {
            Ok(run) => {
                *self.run.lock().expect("run lock") = Some(run);
                self.set_state(State::Ready, None);
            }
            Err(e) => self.set_state(State::Failed, Some(e.to_string())),
        }
    }

    /// Deletes an applicant's workspace and everything in it.
    pub fn delete(&self) -> Result<()> {
        *self.run.lock().expect("run lock") = None;
        for dir in self.own.iter().chain([&self.cache]) {
            match std::fs::remove_dir_all(dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(dir, e)),
            }
        }
        Ok(())
    }

    /// The original of page `index` (a manifest line) as the editor shows it: JPEG, rendered
    /// once and cached.
    pub fn page_image(&self, line: &ManifestLine, index: usize) -> Result<Vec<u8>> {
        let path = self.cache.join(format!("{index}.jpg"));
        if let Ok(bytes) = std::fs::read(&path) {
            return Ok(bytes);
        }
        let page = self.original_page(line)?;
        let jpeg = raster::encode_jpeg(&page, EDITOR_QUALITY)?;
        crate::write::write_atomic(&path, &jpeg)?;
        Ok(jpeg)
    }

    /// A small image of page `index` with its masks as they will be burned in, cached per
    /// revision.
    pub fn thumbnail(&self, line: &ManifestLine, index: usize) -> Result<Vec<u8>> {
        let path = self
            .cache
            .join(format!("{index}-r{}-thumb.jpg", line.revision));
        if let Ok(bytes) = std::fs::read(&path) {
            return Ok(bytes);
        }
        let editor = image::load_from_memory(&self.page_image(line, index)?)
            .map_err(|e| Error::Usage(format!("cached page image: {e}")))?
            .to_rgb8();
        let (w, h) = editor.dimensions();
        let scale = THUMBNAIL_SIDE as f32 / w.max(h) as f32;
        let size = |v: u32| ((v as f32 * scale).round() as u32).max(1);
        let mut small = crate::pages::scaled(&editor, [0, 0, w, h], (size(w), size(h)));
        let masks = crate::write::render::Masks::from(line);
        let shapes: Vec<_> = masks
            .shapes(w, h)
            .iter()
            .map(|shape| shape.scaled(scale))
            .collect();
        crate::mask::paint(&mut small, &shapes, image::Rgb([0, 0, 0]));
        let page = Page {
            number: 1,
            pixels: small,
            greyscale: false,
            text: None,
        };
        let jpeg = raster::encode_jpeg(&page, 80)?;
        crate::write::write_atomic(&path, &jpeg)?;
        Ok(jpeg)
    }

    fn original_page(&self, line: &ManifestLine) -> Result<Page> {
        let (dpi, limits) = self
            .with_run(|run| (run.output_options().dpi, run.limits()))
            .ok_or_else(|| Error::Usage("the workspace has no run".into()))?;
        let path = self.intake.join(&line.source);
        let number = line.page.unwrap_or(1);
        let mut document = Document::read(&path, line.dpi.unwrap_or(dpi), &limits)?;
        Ok(document.page(number, &limits)?)
    }

    /// The checklist the platform asks for: per attachment, whether it needs masking.
    pub fn checklist(&self, lang: Lang) -> Vec<ChecklistRow> {
        let hidden: Vec<String> = self
            .particulars()
            .map(|p| [vec![p.name, p.unit], p.aliases].concat())
            .unwrap_or_default();
        self.with_run(|run| checklist(run.lines(), &self.out, self.role, &hidden, lang))
            .unwrap_or_default()
    }

    /// What the user calls the files whose corrections the last check could not keep (they
    /// have gone or changed since).
    pub fn lost_corrections(&self) -> Vec<String> {
        let lost = self.lost.lock().expect("lost lock");
        let mut names: Vec<String> = lost
            .iter()
            .enumerate()
            .map(|(i, line)| attachment_name(self.role, line, i))
            .collect();
        names.dedup();
        names
    }

    /// The output files, in manifest order.
    pub fn outputs(&self) -> Vec<String> {
        self.with_run(|run| outputs(run.lines()))
            .unwrap_or_default()
    }
}

/// A path inside an upload: normal components only, as '/'-separated text.
fn safe_relative(name: &str) -> Option<PathBuf> {
    let name = name.replace('\\', "/");
    let path = Path::new(&name);
    let parts: Vec<&std::ffi::OsStr> = path
        .components()
        .map(|c| match c {
            Component::Normal(part) => Some(part),
            Component::CurDir => None,
            _ => Some(std::ffi::OsStr::new("")),
        })
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default();
    let unsafe_part = |p: &&std::ffi::OsStr| {
        let p = p.to_string_lossy();
        p.is_empty() || p.contains(':') || p.starts_with('.')
    };
    if parts.is_empty() || parts.iter().any(unsafe_part) || name.len() > 400 {
        return None;
    }
    Some(parts.iter().collect())
}

/// Creates `dir` and its missing parents readable by the user alone; an existing folder is left
/// as it is (it may be shared, as /tmp is).
pub fn create_missing_private(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

/// Creates `dir` (a folder of blindfold's own) readable by the user alone, or makes the existing
/// one so (which fails on another user's folder).
pub fn create_private(dir: &Path) -> Result<()> {
    create_missing_private(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io(dir, e))?;
    }
    Ok(())
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    let text = serde_json::to_vec_pretty(value).map_err(|e| Error::encoder("workspace", e))?;
    crate::write::write_atomic(path, &text)
}

/// Reads an applicant workspace's particulars, when it has been checked.
fn read_particulars(dir: &Path) -> Option<Particulars> {
    let text = std::fs::read(dir.join("applicant.json")).ok()?;
    serde_json::from_slice(&text).ok()
}

/// JPEG quality of the editor's page images.
const EDITOR_QUALITY: u8 = 85;
/// Long side of thumbnails, in pixels.
const THUMBNAIL_SIDE: u32 = 240;

#[cfg(test)]
mod tests {
    use super::*;

    /// Uploads a blank PNG of `width x height` as `name`.
    fn upload_png(ws: &Arc<Workspace>, name: &str, (width, height): (u32, u32)) {
        let mut bytes = Vec::new();
        image::RgbImage::from_pixel(width, height, image::Rgb([250, 250, 250]))
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .unwrap();
        let mut upload = ws.start_upload(name, 10).unwrap();
        upload.write(&bytes).unwrap();
        upload.finish().unwrap();
    }

    #[test]
    fn uploads_stay_inside_their_folder() {
        assert_eq!(safe_relative("a.pdf"), Some(PathBuf::from("a.pdf")));
        assert_eq!(
            safe_relative("材料/证书.jpg"),
            Some(PathBuf::from("材料").join("证书.jpg"))
        );
        assert_eq!(
            safe_relative("材料\\证书.jpg"),
            Some(PathBuf::from("材料").join("证书.jpg"))
        );
        for bad in [
            "",
            "../x.pdf",
            "/etc/passwd",
            "a/../../x",
            "C:\\x.pdf",
            ".hidden",
        ] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
    }

    /// Issue 30 item 16: parallel uploads went past the file limit. Files arriving hold their
    /// place, and a check waits for them.
    #[test]
    fn uploads_and_checks_exclude_each_other_and_arriving_files_count() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Arc::new(
            Workspace::applicant("w", &dir.path().join("w"), &dir.path().join("cache")).unwrap(),
        );
        let mut first = ws.start_upload("a.pdf", 2).unwrap();
        first.write(b"%PDF").unwrap();
        let second = ws.start_upload("b.pdf", 2).unwrap();
        assert!(matches!(
            ws.start_upload("c.pdf", 2),
            Err(UploadError::TooMany(2))
        ));
        assert!(!ws.begin_processing(), "a check waits for arriving files");
        drop(second);
        first.finish().unwrap();
        assert_eq!(ws.upload_count(), 1);
        assert_eq!(
            std::fs::read_dir(dir.path().join("w").join(INCOMING))
                .unwrap()
                .count(),
            0,
            "an unfinished upload leaves nothing behind"
        );
        assert!(matches!(
            ws.start_upload("../c.pdf", 2),
            Err(UploadError::BadName(_))
        ));
    }

    /// Issue 29 item 2: adding a file and checking again dropped the earlier corrections. A new
    /// check makes them again on its results: the hand-drawn mask stays manual, the removed
    /// found mask stays removed with its reason, the confirmation stands.
    #[test]
    fn checking_again_keeps_every_correction() {
        use crate::base::{Evidence, Kind};
        use crate::detect::{text_line, Answer};
        use crate::edit::{Action, Edit};
        use crate::geometry::Rect;
        let dir = tempfile::tempdir().unwrap();
        let ws = Arc::new(
            Workspace::applicant("w", &dir.path().join("w"), &dir.path().join("cache")).unwrap(),
        );
        let png = |name: &str, size: (u32, u32)| upload_png(&ws, name, size);
        let found = crate::detect::Detections {
            lines: vec![text_line("姓名王玥", Rect::new(10.0, 10.0, 90.0, 30.0))],
            ..Default::default()
        };
        let detector = crate::detect::ScriptedDetector::new().on((200, 120), Answer::Found(found));
        let particulars = Particulars {
            name: "王玥".into(),
            unit: "巴州人民医院".into(),
            aliases: Vec::new(),
            max_file_mb: None,
        };
        let config = crate::pipeline::RunConfig::new(dir.path().join("unused"));
        let check = || {
            assert!(ws.begin_processing());
            ws.check(&particulars, &config, || detector.workers(1));
            assert_eq!(ws.state().0, State::Ready, "{:?}", ws.state());
        };
        png("a.png", (200, 120));
        png("b.png", (200, 120));
        check();
        let edit = |page: usize, action: Action| {
            ws.with_run(|run| {
                let line = &run.lines()[page];
                let edit = Edit {
                    output: line.output.clone().unwrap(),
                    page: 1,
                    revision: line.revision,
                    by: APPLICANT.into(),
                    at: "2026-12-06T05:00:00Z".into(),
                    action,
                };
                run.edit(edit).unwrap();
            })
            .unwrap();
        };
        let reason = "a printed heading".to_string();
        edit(
            0,
            Action::Remove {
                index: 0,
                reason: reason.clone(),
            },
        );
        edit(
            0,
            Action::Add {
                kind: Kind::Unit,
                bbox: [20, 60, 120, 80],
            },
        );
        edit(1, Action::Confirm);
        let before: Vec<ManifestLine> = ws.with_run(|run| run.lines().to_vec()).unwrap();

        png("c.png", (60, 40));
        check();
        let after: Vec<ManifestLine> = ws.with_run(|run| run.lines().to_vec()).unwrap();
        assert_eq!(after.len(), 3, "the earlier files and the new one");
        for old in &before {
            let new = after.iter().find(|l| l.source == old.source).unwrap();
            assert_eq!(new.regions, old.regions, "{}", old.source);
            assert_eq!(new.dismissed, old.dismissed, "{}", old.source);
            assert_eq!(new.reviewed, old.reviewed, "{}", old.source);
            assert_eq!(new.masking_required, old.masking_required);
        }
        let a = after.iter().find(|l| l.source.ends_with("a.png")).unwrap();
        assert_eq!(a.regions[0].evidence, Evidence::Manual);
        assert_eq!(a.dismissed[0].reason, reason);
        assert!(ws.lost_corrections().is_empty());
        // The masked copy is made with the corrections.
        let masked = image::open(ws.out().join(a.output.as_ref().unwrap()))
            .unwrap()
            .to_rgb8();
        assert_eq!(masked.get_pixel(70, 70), &image::Rgb([0, 0, 0]));
    }

    /// Issue 30 item 16: a file uploaded while a check ran was lost. It is queued: the check
    /// runs again when it is done, and its results hold the file.
    #[test]
    fn a_file_uploaded_during_a_check_is_checked_too() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Arc::new(
            Workspace::applicant("w", &dir.path().join("w"), &dir.path().join("cache")).unwrap(),
        );
        let png = |name: &str| upload_png(&ws, name, (60, 40));
        png("a.png");
        assert!(ws.begin_processing());
        png("b.png");
        assert_eq!(
            ws.state().0,
            State::Processing,
            "the running check is left alone"
        );
        let particulars = Particulars {
            name: "王玥".into(),
            unit: "巴州人民医院".into(),
            aliases: Vec::new(),
            max_file_mb: None,
        };
        let config = crate::pipeline::RunConfig::new(dir.path().join("unused"));
        let checks = AtomicUsize::new(0);
        ws.check(&particulars, &config, || {
            checks.fetch_add(1, Ordering::Relaxed);
            vec![Box::new(crate::detect::ScriptedDetector::new())
                as Box<dyn crate::detect::Detector>]
        });
        assert_eq!(
            checks.load(Ordering::Relaxed),
            2,
            "checked again with the new file"
        );
        assert_eq!(ws.state().0, State::Ready);
        assert_eq!(ws.checklist(Lang::En).len(), 2);
    }
}
