// blindfold's local web page: the applicant's check, the staff dashboard and review queue, and
// the page editor. No framework and no build step; every request goes to this server only.
"use strict";

/// An English count with its noun: "1 page", "2 pages".
const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;

const TEXT = {
  zh: {
    title: "blindfold 盲评材料遮盖",
    applicantSubtitle: "申请人自查：上传前检查并修正遮盖",
    staffSubtitle: "评审办公室：复核遮盖结果",
    otherLang: "English",
    name: "姓名",
    unit: "工作单位",
    aliases: "工作单位的其他写法（每行一个，如简称）",
    maxSize: "平台对每个附件的大小限制（MB，不限则留空）：超过时自动降低图片质量，页面尺寸和遮盖位置不变",
    overLimit: (mb) => `此遮盖件仍大于 ${mb} MB（图片质量已降到最低可读）。PNG、TIFF 图片不会被压缩：可先把原件另存为 JPEG 或 PDF，再重新检查。`,
    drop: "把文件或整个文件夹拖到这里",
    kinds: "PDF、JPEG、PNG、TIFF、BMP、WebP、GIF",
    chooseFiles: "选择文件",
    chooseFolder: "选择文件夹",
    chosen: (n) => `已选择 ${n} 个文件`,
    start: "开始检查",
    needParticulars: "请填写姓名和工作单位",
    needFiles: "请先选择要检查的文件",
    uploading: "正在上传…",
    processing: (done, all, pages) => `正在检查：${done} / ${all} 个文件，已完成 ${pages} 页`,
    failed: "检查失败：",
    summary: (files, pages, masked, review, failed) =>
      `${files} 个附件，共 ${pages} 页；需要遮盖 ${masked} 个附件；需人工复核 ${review} 页` +
      (failed ? `；未能处理 ${failed} 个文件` : ""),
    uploaded: (n) => `已上传 ${n} 个文件。再次检查时，这些文件和你做过的修改都会保留；新选择的文件会加进来。`,
    unprocessed: "未能处理",
    found: (counts) => counts.map(([kind, n]) => `${kind} ${n} 处`).join("、"),
    nothingFound: "未发现需要遮盖的内容",
    pagesCount: (n) => `${n} 页`,
    howTo: "在平台上怎么做",
    howYes: "上传下面的遮盖件（不要上传原件），“是否需要遮盖”选“是”。",
    howNo: "上传下面的遮盖件，“是否需要遮盖”选“否”。",
    howReview: "先点开标为“需人工复核”的页面，确认遮盖无误或改正后再上传。",
    howFailed: "此文件未检查，不要直接上传：按上面的提示处理后，再选择处理好的文件重新检查。",
    downloadOne: (name, size) => `下载遮盖件：${name}（${size}）`,
    sized: (name, size) => `${name}（${size}）`,
    keyBox: "键盘画框：方向键移动，Shift+方向键改变大小，Enter 添加，Esc 取消",
    unknownChoice: "此页所在的文件夹不在申报人名单中。我已看过此页，确认申请人的姓名和单位都已遮盖",
    lost: (names) => `以下文件已更改或删除，它们的修改无法保留：${names.join("、")}`,
    evidence: { roster: "与所填姓名或单位一致", label: "位于“姓名”“单位”等栏目后", signature: "签名处", ink: "手写字迹",
      seal: "印章文字", other_script: "少数民族文字", landmarks: "眼部位置", pattern: "证件号码", manual: "手工添加",
      audit: "审核复查发现" },
    findingsTitle: "审核发现",
    maskFinding: "遮盖此处",
    dismissFinding: "不是泄露（理由见下方“删除原因”）",
    fileErrors: "未能检查的文件",
    masking: "是否需要遮盖",
    colon: "：",
    yes: "是",
    no: "否",
    review: "需人工复核",
    error: "错误",
    ok: "无误",
    confirmed: "已确认",
    edited: "已修改",
    page: (n) => `第 ${n} 页`,
    downloadAll: "下载全部遮盖件（zip）",
    download: "下载遮盖件",
    checklist: "核对清单",
    checklistCsv: "下载清单（CSV）",
    print: "打印",
    again: "重新检查",
    deleteWs: "删除工作区及全部文件",
    deleteAsk: (files, edits) => `将删除已上传的 ${files} 个文件、全部检查结果和 ${edits} 处修改。此操作不能撤销。确定删除吗？`,
    deleted: "工作区已删除。",
    back: "返回列表",
    prev: "上一页",
    next: "下一页",
    nextFlagged: "下一个待复核",
    confirm: "确认",
    confirmNext: "确认并下一个",
    undo: "撤销",
    redo: "重做",
    remove: "删除遮盖",
    restore: "恢复",
    draw: "画遮盖",
    selectNext: "选择下一个遮盖",
    outline: "显示：轮廓",
    burned: "显示：遮盖效果",
    zoomIn: "放大",
    zoomOut: "缩小",
    fit: "适合窗口",
    kind: "遮盖类别",
    kindNames: { name: "姓名", unit: "工作单位", eyes: "眼睛", face: "面部", id_number: "身份证号" },
    masks: "遮盖区域",
    dismissedTitle: "已删除的自动遮盖",
    none: "无",
    reason: "删除原因",
    defaultReason: "不是申请人的信息",
    you: "本人",
    shortcuts: "快捷键",
    conflict: "此页已在别处修改，已重新载入，请再试一次。",
    queueDone: "复核队列已清空。",
    findingsLeft: (n) => `没有待复核的页面，但审核还有 ${n} 个问题不在某一页上（见上面的列表），请处理文件后重新运行。`,
    applicant: "申请人编号",
    pages: "页数",
    queue: "待复核",
    startQueue: "开始复核",
    audit: "运行审核",
    auditing: "正在审核…",
    auditPassed: "审核通过",
    auditFailed: (n) => `发现 ${n} 个问题`,
    auditReport: "打开审核报告",
    corrections: "人工修改",
    allDone: "所有页面均已处理",
    attachment: "附件",
    notes: "备注",
    keys: [
      ["N / →", "下一页"], ["P / ←", "上一页"], ["F", "下一个待复核"], ["Enter", "确认（页面本身获得焦点时）"],
      ["A", "画遮盖：在页面上拖动，或用方向键移动、Shift+方向键调整大小、Enter 添加"], ["Shift+拖动", "不进入画图模式直接画遮盖"], ["拖动", "移动放大后的页面"], ["S", "选择下一个遮盖"], ["Delete", "删除所选遮盖"],
      ["Ctrl+Z", "撤销"], ["Ctrl+Y", "重做"], ["M", "轮廓 / 遮盖效果"], ["+ / − / 0", "放大 / 缩小 / 适合"],
      ["1–5", "遮盖类别"], ["Esc", "返回列表"],
    ],
  },
  en: {
    title: "blindfold",
    applicantSubtitle: "Check and correct the masking of your scans before uploading them",
    staffSubtitle: "Committee staff: review a run",
    otherLang: "中文",
    name: "Name",
    unit: "Work unit",
    aliases: "Other spellings of the unit (one per line, e.g. abbreviations)",
    maxSize: "The platform's size limit per attachment (MB; leave empty for none): larger copies are saved at a lower image quality, pages and masks unchanged",
    overLimit: (mb) => `This masked copy is still over ${mb} MB (image quality is at the lowest that stays legible). PNG and TIFF images are not compressed: save the original as JPEG or PDF first, then check again.`,
    drop: "Drop files or a whole folder here",
    kinds: "PDF, JPEG, PNG, TIFF, BMP, WebP, GIF",
    chooseFiles: "Choose files",
    chooseFolder: "Choose a folder",
    chosen: (n) => `${count(n, "file", "files")} chosen`,
    start: "Check",
    needParticulars: "Please enter your name and work unit",
    needFiles: "Please choose the files to check first",
    uploading: "Uploading…",
    processing: (done, all, pages) => `Checking: ${done} / ${count(all, "file", "files")}, ${count(pages, "page", "pages")} done`,
    failed: "The check failed: ",
    summary: (files, pages, masked, review, failed) =>
      `${count(files, "attachment", "attachments")}, ${count(pages, "page", "pages")}; ${masked} ${masked === 1 ? "needs" : "need"} masking; ${count(review, "page", "pages")} to review` +
      (failed ? `; ${count(failed, "file", "files")} could not be checked` : ""),
    uploaded: (n) => `${count(n, "file", "files")} uploaded. Checking again keeps them and every correction you made; files you choose now are added.`,
    unprocessed: "Not checked",
    found: (counts) => counts.map(([kind, n]) => `${kind} ×${n}`).join(", "),
    nothingFound: "nothing to mask found",
    pagesCount: (n) => count(n, "page", "pages"),
    howTo: "What to do on the platform",
    howYes: "Upload the masked copy below (not the original) and choose \"yes\" for masking required.",
    howNo: "Upload the masked copy below and choose \"no\" for masking required.",
    howReview: "First open the pages marked \"needs review\", confirm or correct their masks, then upload.",
    howFailed: "This file was not checked; do not upload it as it is: follow the advice above, then check the new file.",
    downloadOne: (name, size) => `Download the masked copy: ${name} (${size})`,
    sized: (name, size) => `${name} (${size})`,
    keyBox: "Drawing with the keyboard: arrow keys move the box, Shift+arrows size it, Enter adds it, Esc cancels",
    unknownChoice: "This page's folder is not in the list of applicants. I have looked at the page: the applicant's name and unit are covered",
    lost: (names) => `These files have changed or gone, so their corrections could not be kept: ${names.join(", ")}`,
    evidence: { roster: "matches your name or unit", label: "after a field such as \"name\"", signature: "signature place",
      ink: "handwriting", seal: "seal text", other_script: "other script", landmarks: "eye position", pattern: "ID number pattern",
      manual: "drawn by hand", audit: "found by the audit" },
    masking: "Masking required",
    colon: ": ",
    yes: "yes",
    no: "no",
    review: "needs review",
    error: "error",
    ok: "ok",
    confirmed: "confirmed",
    edited: "edited",
    page: (n) => `page ${n}`,
    downloadAll: "Download all masked copies (zip)",
    download: "Download masked copy",
    checklist: "Checklist",
    checklistCsv: "Download checklist (CSV)",
    print: "Print",
    again: "Check again",
    deleteWs: "Delete this workspace and all its files",
    deleteAsk: (files, edits) => `This deletes ${count(files, "uploaded file", "uploaded files")}, every result and ${count(edits, "correction", "corrections")}. It cannot be undone. Delete?`,
    deleted: "The workspace was deleted.",
    back: "Back to the list",
    prev: "Previous page",
    next: "Next page",
    nextFlagged: "Next to review",
    confirm: "Confirm",
    confirmNext: "Confirm and next",
    undo: "Undo",
    redo: "Redo",
    remove: "Remove mask",
    restore: "Restore",
    draw: "Draw a mask",
    selectNext: "Select next mask",
    outline: "View: outlines",
    burned: "View: as burned in",
    zoomIn: "Zoom in",
    zoomOut: "Zoom out",
    fit: "Fit",
    kind: "Kind",
    kindNames: { name: "name", unit: "unit", eyes: "eyes", face: "face", id_number: "ID number" },
    masks: "Masks",
    dismissedTitle: "Removed automatic masks",
    none: "none",
    reason: "Reason for removing",
    defaultReason: "not the applicant's",
    you: "you",
    shortcuts: "Shortcuts",
    conflict: "This page was changed elsewhere and has been reloaded; please try again.",
    queueDone: "The review queue is empty.",
    findingsTitle: "Audit findings",
    maskFinding: "Mask it",
    dismissFinding: "Not a leak (for the reason below)",
    fileErrors: "Files that could not be checked",
    findingsLeft: (n) => `No page is queued, but the audit found ${count(n, "problem", "problems")} on no single page (listed above): fix the files and run again.`,
    applicant: "Applicant code",
    pages: "Pages",
    queue: "To review",
    startQueue: "Start reviewing",
    audit: "Run the audit",
    auditing: "Auditing…",
    auditPassed: "Audit passed",
    auditFailed: (n) => `${count(n, "problem", "problems")} found`,
    auditReport: "Open the audit report",
    corrections: "Corrections",
    allDone: "Every page has been dealt with",
    attachment: "Attachment",
    notes: "Notes",
    keys: [
      ["N / →", "next page"], ["P / ←", "previous page"], ["F", "next to review"], ["Enter", "confirm (when the page itself has focus)"],
      ["A", "draw a mask: drag on the page, or move the box with the arrow keys, size it with Shift+arrows, add it with Enter"], ["Shift+drag", "draw a mask without draw mode"], ["drag", "move a zoomed page"], ["S", "select next mask"], ["Delete", "remove selected mask"],
      ["Ctrl+Z", "undo"], ["Ctrl+Y", "redo"], ["M", "outlines / as burned in"], ["+ / − / 0", "zoom in / out / fit"],
      ["1–5", "kind"], ["Esc", "back to the list"],
    ],
  },
};

const KINDS = ["name", "unit", "eyes", "face", "id_number"];

const state = {
  session: null,
  lang: "zh",
  ws: null,
  files: [],
  view: "start",
  pageId: null,
  kind: "name",
  burned: false,
  zoom: 1,
  selected: null,
  keyBox: null,
  undo: [],
  redo: [],
  audit: null,
  busy: false,
};

const t = (key, ...args) => {
  const value = TEXT[state.lang][key];
  return typeof value === "function" ? value(...args) : value;
};

// ---- small DOM helpers --------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

function show(message, kind = "info") {
  const box = document.getElementById("message");
  box.textContent = message;
  box.className = kind;
  box.hidden = !message;
}

// ---- the server ---------------------------------------------------------------------------

async function api(method, path, body) {
  const options = { method, headers: {} };
  if (body instanceof FormData) options.body = body;
  else if (body !== undefined) {
    options.body = JSON.stringify(body);
    options.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, options);
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error((json && json.error) || response.statusText);
    error.status = response.status;
    throw error;
  }
  return json;
}

const wsPath = (suffix = "") => `/api/workspaces/${state.ws.id}${suffix}`;

async function reload() {
  state.ws = await api("GET", wsPath());
}

// ---- start: particulars and files ----------------------------------------------------------

function startView() {
  const particulars = (state.ws && state.ws.particulars) || { name: "", unit: "", aliases: [], max_file_mb: null };
  const picked = el("p", { id: "chosen", class: "chosen" }, state.files.length ? t("chosen", state.files.length) : "");
  const list = el("ul", { class: "file-list" }, state.files.slice(0, 50).map((f) => el("li", {}, f.path)));
  const addFiles = (files) => {
    for (const file of files) state.files.push({ file, path: file.webkitRelativePath || file.name });
    picked.textContent = t("chosen", state.files.length);
    list.replaceChildren(...state.files.slice(0, 50).map((f) => el("li", {}, f.path)));
  };
  const filesInput = el("input", { type: "file", id: "files", multiple: true, hidden: true,
    onchange: (e) => addFiles(e.target.files) });
  const folderInput = el("input", { type: "file", id: "folder", webkitdirectory: true, hidden: true,
    onchange: (e) => addFiles(e.target.files) });
  const zone = el("div", { class: "drop", id: "drop",
    ondragover: (e) => { e.preventDefault(); zone.classList.add("over"); },
    ondragleave: () => zone.classList.remove("over"),
    ondrop: async (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      addFiles(await droppedFiles(e.dataTransfer));
    } },
    el("p", { class: "big" }, t("drop")),
    el("p", { class: "hint" }, t("kinds")),
    el("button", { type: "button", onclick: () => filesInput.click() }, t("chooseFiles")),
    " ",
    el("button", { type: "button", onclick: () => folderInput.click() }, t("chooseFolder")),
    filesInput, folderInput, picked, list,
    state.ws && state.ws.uploads ? el("p", { class: "hint", id: "uploaded" }, t("uploaded", state.ws.uploads)) : null);
  const form = el("form", { class: "particulars", id: "particulars", onsubmit: (e) => { e.preventDefault(); startCheck(form); } },
    el("label", {}, t("name"), el("input", { name: "name", id: "name", required: true, value: particulars.name, autocomplete: "name" })),
    el("label", {}, t("unit"), el("input", { name: "unit", id: "unit", required: true, value: particulars.unit })),
    el("label", {}, t("aliases"), el("textarea", { name: "aliases", id: "aliases", rows: 2 }, particulars.aliases.join("\n"))),
    el("label", {}, t("maxSize"), el("input", { name: "max_file_mb", id: "max-size", type: "number", min: "0.1", step: "0.1",
      value: particulars.max_file_mb || "" })),
    zone,
    el("button", { type: "submit", class: "primary", id: "start" }, t("start")));
  return el("section", { class: "start" }, form);
}

/// The files of a drop, folders walked (their paths kept).
async function droppedFiles(transfer) {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry()).filter(Boolean);
  if (!entries.length) return [...transfer.files];
  const files = [];
  const walk = async (entry, prefix) => {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      Object.defineProperty(file, "webkitRelativePath", { value: prefix + file.name });
      files.push(file);
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (!batch.length) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, "");
  return files;
}

async function startCheck(form) {
  const data = new FormData(form);
  const particulars = {
    name: data.get("name").trim(),
    unit: data.get("unit").trim(),
    aliases: data.get("aliases").split("\n").map((a) => a.trim()).filter(Boolean),
    max_file_mb: Number(data.get("max_file_mb")) > 0 ? Number(data.get("max_file_mb")) : null,
  };
  if (!particulars.name || !particulars.unit) return show(t("needParticulars"), "error");
  if (!state.files.length && !(state.ws && state.ws.uploads)) return show(t("needFiles"), "error");
  try {
    // New files join the workspace: what was checked and corrected before stays.
    if (!state.ws) state.ws = { id: (await api("POST", "/api/workspaces")).id };
    if (state.files.length) {
      show(t("uploading"));
      // A few files per request keeps each request under the upload limit.
      for (let i = 0; i < state.files.length; i += 8) {
        const body = new FormData();
        for (const { file, path } of state.files.slice(i, i + 8)) body.append("file", file, path);
        await api("POST", wsPath("/files"), body);
      }
      state.files = [];
    }
    await api("POST", wsPath("/check"), particulars);
    show("");
    await waitForCheck();
  } catch (error) {
    show(error.message, "error");
  }
}

async function waitForCheck() {
  state.view = "progress";
  for (;;) {
    await reload();
    if (state.ws.state !== "processing") break;
    render();
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  if (state.ws.state === "failed") show(t("failed") + state.ws.reason, "error");
  state.view = state.ws.state === "ready" ? "list" : "start";
  render();
}

function progressView() {
  const ws = state.ws || {};
  const share = ws.files ? Math.round((100 * ws.files_done) / ws.files) : 0;
  return el("section", { class: "progress", id: "progress" },
    el("p", {}, t("processing", ws.files_done || 0, ws.files || 0, ws.pages_done || 0)),
    el("progress", { max: 100, value: share }));
}

// ---- the page list (applicants) -----------------------------------------------------------

const pages = () => state.ws.pages;
const isPage = (p) => p.page !== null;
/// The audit's findings on page `p` that are not yet masked or dismissed.
const findingsOn = (p) => (state.audit ? state.audit.problems.filter((f) => f.page === p.id) : []);
const flagged = (p) => isPage(p) && (((p.status === "review" || p.status === "error") && !p.reviewed) || findingsOn(p).length > 0);

function verdict(p) {
  return el("span", { class: `verdict ${p.masking_required ? "yes" : "no"}` },
    el("small", {}, `${t("masking")}${t("colon")}`), p.masking_required ? t("yes") : t("no"));
}

function statusBadges(p) {
  return [
    p.status === "review" && !p.reviewed ? el("span", { class: "badge review" }, t("review")) : null,
    p.status === "error" ? el("span", { class: "badge error" }, t("error")) : null,
    p.reviewed ? el("span", { class: "badge confirmed" }, t("confirmed")) : null,
    p.revision > 0 ? el("span", { class: "badge edited" }, t("edited")) : null,
  ];
}

function pageLabel(p) {
  return p.page ? `${p.attachment} · ${t("page", p.page)}` : p.attachment;
}

/// "姓名 1 处、眼睛 1 处": what the masks of `regions` hide, by kind.
function foundText(regions) {
  const counts = KINDS.map((k) => [t("kindNames")[k], regions.filter((r) => r.kind === k).length]).filter(([, n]) => n);
  return counts.length ? t("found", counts) : t("nothingFound");
}

/// A page of an attachment's card: its thumbnail, verdict and what was masked; opens the editor.
function pageTile(p) {
  const open = () => openEditor(p.id);
  return el("figure", { class: `tile ${p.status}${flagged(p) ? " flagged" : ""}`, "data-page": p.id, tabindex: 0,
    onclick: open, onkeydown: (e) => { if (e.key === "Enter") open(); } },
    p.withheld ? el("div", { class: "no-thumb" }, "—")
      : el("img", { src: wsPath(`/pages/${p.id}/thumbnail?r=${p.revision}`), alt: pageLabel(p), loading: "lazy" }),
    el("figcaption", {}, el("b", {}, t("page", p.page)), " ", verdict(p), el("br"), foundText(p.regions), el("br"), statusBadges(p)));
}

/// An attachment (one uploaded file) as the platform takes it: its pages, the verdict, what was
/// masked, its masked copy's download, and what to do.
function attachmentCard(group) {
  const row = state.ws.checklist.find((r) => r.attachment === group.name) || {};
  const failed = group.failed;
  const reasons = [...new Set(group.pages.flatMap((p) => [...p.review, p.error].filter(Boolean)))];
  const toReview = group.pages.some(flagged);
  const required = group.pages.some((p) => p.masking_required);
  const how = failed ? t("howFailed") : toReview ? t("howReview") : required ? t("howYes") : t("howNo");
  const output = row.masked_copy ? state.ws.outputs.indexOf(row.masked_copy) : -1;
  const limit = state.ws.particulars && state.ws.particulars.max_file_mb;
  return el("article", { class: `card attachment${failed ? " unprocessed" : ""}${toReview ? " flagged" : ""}`, "data-attachment": group.name },
    el("header", {},
      el("h3", { class: "label" }, group.name),
      failed ? el("span", { class: "badge error" }, t("unprocessed"))
        : [el("span", { class: "hint" }, t("pagesCount", group.pages.length)), " ", verdict({ masking_required: required })]),
    failed ? el("p", { class: "reason advice" }, failed.error) : null,
    reasons.map((r) => el("p", { class: "reason" }, r)),
    failed ? null : el("p", { class: "found" }, foundText(group.pages.flatMap((p) => p.regions))),
    el("div", { class: "how" }, el("b", {}, `${t("howTo")}${t("colon")}`), how),
    output >= 0 ? el("a", { class: "button download", href: wsPath(`/outputs/${output}`), download: row.download },
      t("downloadOne", row.download, size(row.bytes))) : null,
    limit && row.bytes > limit * 1e6 ? el("p", { class: "reason over-limit" }, t("overLimit", limit)) : null,
    group.pages.length ? el("div", { class: "tiles" }, group.pages.map(pageTile)) : null);
}

/// A size in bytes as people read it.
function size(bytes) {
  if (bytes === undefined || bytes === null) return "";
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/// The workspace's files, one group per attachment in manifest order: its pages, or the line of
/// a file that could not be checked.
function attachments() {
  const groups = new Map();
  for (const p of pages()) {
    const group = groups.get(p.attachment) || { name: p.attachment, pages: [], failed: null };
    if (isPage(p)) group.pages.push(p);
    else group.failed = p;
    groups.set(p.attachment, group);
  }
  return [...groups.values()];
}

/// A staff queue's card: one page, or one file that failed.
function card(p) {
  const reasons = [...p.review, p.error].filter(Boolean);
  const open = isPage(p) ? () => openEditor(p.id) : null;
  return el("article", { class: `card ${p.status}${flagged(p) ? " flagged" : ""}`, "data-page": p.id,
    tabindex: isPage(p) ? 0 : null, onclick: open, onkeydown: (e) => { if (e.key === "Enter" && open) open(); } },
    isPage(p) && !p.withheld
      ? el("img", { src: wsPath(`/pages/${p.id}/thumbnail?r=${p.revision}`), alt: pageLabel(p), loading: "lazy" })
      : el("div", { class: "no-thumb" }, "—"),
    el("div", { class: "card-text" },
      el("p", { class: "label" }, pageLabel(p)),
      isPage(p) ? verdict(p) : null,
      el("p", {}, statusBadges(p)),
      reasons.map((r) => el("p", { class: "reason" }, r)),
      isPage(p) ? findingsOn(p).map((f) => el("p", { class: "reason finding" }, f.text)) : null,
      isPage(p) ? el("p", {}, foundText(p.regions)) : null));
}

function listView() {
  const groups = attachments();
  const seen = pages().filter(isPage);
  const failed = groups.filter((g) => g.failed);
  const rank = (g) => (g.failed ? 0 : g.pages.some(flagged) ? 1 : 2);
  const ordered = [...groups].sort((a, b) => rank(a) - rank(b));
  const actions = el("p", { class: "actions" },
    el("a", { class: "button primary", href: wsPath("/masked.zip"), id: "download-all" }, t("downloadAll")),
    el("button", { type: "button", id: "checklist", onclick: openChecklist }, t("checklist")),
    el("a", { class: "button", href: wsPath("/checklist.csv"), download: "checklist.csv" }, t("checklistCsv")),
    el("button", { type: "button", id: "again", onclick: () => { state.view = "start"; render(); } }, t("again")),
    el("button", { type: "button", class: "danger", id: "delete", onclick: deleteWorkspace }, t("deleteWs")));
  const lost = state.ws.lost_corrections || [];
  return el("section", { class: "list" },
    el("p", { class: "summary", id: "summary" }, t("summary", groups.length - failed.length, seen.length,
      groups.filter((g) => g.pages.some((p) => p.masking_required)).length, seen.filter(flagged).length, failed.length)),
    lost.length ? el("p", { class: "reason", id: "lost" }, t("lost", lost)) : null,
    actions,
    el("div", { class: "attachments", id: "cards" }, ordered.map(attachmentCard)));
}

async function deleteWorkspace() {
  const edits = pages().reduce((sum, p) => sum + p.revision, 0);
  if (!window.confirm(t("deleteAsk", state.ws.uploads, edits))) return;
  try {
    await api("DELETE", wsPath());
    state.ws = null;
    state.files = [];
    state.view = "start";
    show(t("deleted"));
    render();
  } catch (error) {
    show(error.message, "error");
  }
}

/// The checklist as the server has it now (after every correction).
async function openChecklist() {
  try {
    await reload();
    state.view = "checklist";
  } catch (error) {
    show(error.message, "error");
  }
  render();
}

function checklistView() {
  const rows = state.ws.checklist;
  return el("section", { class: "checklist", id: "checklist-page" },
    el("h2", {}, t("checklist")),
    el("p", { class: "actions no-print" },
      el("button", { type: "button", onclick: () => window.print() }, t("print")),
      el("a", { class: "button", href: wsPath("/checklist.csv"), download: "checklist.csv" }, t("checklistCsv")),
      el("button", { type: "button", onclick: () => { state.view = "list"; render(); } }, t("back"))),
    el("table", {},
      el("thead", {}, el("tr", {}, el("th", {}, t("attachment")), el("th", {}, t("pages")),
        el("th", {}, t("masking")), el("th", {}, t("review")), el("th", {}, t("notes")),
        el("th", { class: "no-print" }, t("download")))),
      el("tbody", {}, rows.map((r) => el("tr", {},
        el("td", {}, r.attachment),
        el("td", {}, r.pages),
        el("td", { class: r.masking_required ? "yes" : "no" }, r.error ? "—" : r.masking_required ? t("yes") : t("no")),
        el("td", {}, r.review || ""),
        el("td", {}, r.error || r.removed.join("；")),
        el("td", { class: "no-print" }, r.masked_copy === null ? "" :
          el("a", { href: wsPath(`/outputs/${state.ws.outputs.indexOf(r.masked_copy)}`), download: r.download, class: "download" },
            t("sized", r.download, size(r.bytes)))))))));
}

// ---- the staff dashboard ------------------------------------------------------------------

function dashboardView() {
  const audit = state.audit;
  const byCode = new Map();
  for (const p of pages()) {
    const code = p.applicant || "-";
    const row = byCode.get(code) || { pages: 0, ok: 0, review: 0, error: 0, edited: 0, queue: 0 };
    if (isPage(p)) row.pages += 1;
    row[p.status] += 1;
    if (p.revision > 0) row.edited += 1;
    if (flagged(p)) row.queue += 1;
    byCode.set(code, row);
  }
  const queue = pages().filter(flagged);
  const fileErrors = pages().filter((p) => !isPage(p));
  const pageless = audit ? audit.problems.filter((f) => f.page === null).length : 0;
  const table = el("table", { id: "dashboard" },
    el("thead", {}, el("tr", {}, [t("applicant"), t("pages"), t("ok"), t("review"), t("error"), t("edited"), t("queue")]
      .map((h) => el("th", {}, h)))),
    el("tbody", {}, [...byCode.entries()].sort().map(([code, r]) => el("tr", { tabindex: 0, "data-applicant": code,
      onclick: () => openApplicant(code), onkeydown: (e) => { if (e.key === "Enter") openApplicant(code); } },
      el("td", {}, code), el("td", {}, r.pages), el("td", {}, r.ok), el("td", {}, r.review),
      el("td", {}, r.error), el("td", {}, r.edited), el("td", { class: r.queue ? "flag" : "" }, r.queue)))));
  return el("section", { class: "dashboard" },
    el("p", { class: "actions" },
      el("button", { type: "button", class: "primary", id: "start-queue", disabled: !queue.length,
        onclick: () => openEditor(queue[0].id) }, `${t("startQueue")} (${queue.length})`),
      el("button", { type: "button", id: "run-audit", onclick: runAudit, disabled: state.busy }, state.busy ? t("auditing") : t("audit")),
      audit ? el("a", { class: "button", href: wsPath("/audit"), target: "_blank", rel: "noopener", id: "audit-report" }, t("auditReport")) : null),
    audit ? el("div", { class: `audit ${audit.passed ? "passed" : "failed"}`, id: "audit-result" },
      el("p", { class: "big" }, audit.passed ? t("auditPassed") : t("auditFailed", audit.problems.length)),
      el("ul", { id: "findings" }, audit.problems.map((finding) => el("li", {},
        finding.page === null ? finding.text
          : el("a", { href: `#page-${finding.page}`, class: "finding" }, finding.text)))),
      audit.corrections.length ? el("h3", {}, t("corrections")) : null,
      el("ul", {}, audit.corrections.map((c) => el("li", {}, c)))) : null,
    table,
    fileErrors.length ? [el("h2", {}, `${t("fileErrors")} (${fileErrors.length})`),
      el("div", { class: "cards", id: "file-errors" }, fileErrors.map(card))] : null,
    el("h2", {}, `${t("queue")} (${queue.length})`),
    queue.length ? el("div", { class: "cards", id: "queue" }, queue.map(card))
      : pageless ? el("p", { class: "reason", id: "queue-findings" }, t("findingsLeft", pageless))
        : el("p", { id: "queue-empty" }, t("queueDone")));
}

/// Opens an applicant's first page to review, else their first page.
function openApplicant(code) {
  const theirs = pages().filter((p) => isPage(p) && (p.applicant || "-") === code);
  const first = theirs.find(flagged) || theirs[0];
  if (first) openEditor(first.id);
}

async function runAudit() {
  state.busy = true;
  show("");
  render();
  try {
    state.audit = await api("POST", wsPath("/audit"), {});
  } catch (error) {
    show(error.message, "error");
  }
  state.busy = false;
  render();
}

// ---- the page editor ----------------------------------------------------------------------

const current = () => pages().find((p) => p.id === state.pageId);

/// Opens page `id` in the editor; its address (#page-ID) follows, so links and the browser's
/// back button work.
function openEditor(id) {
  if (location.hash !== `#page-${id}`) history.pushState(null, "", `#page-${id}`);
  state.pageId = id;
  state.selected = null;
  state.keyBox = null;
  state.view = "editor";
  show("");
  render();
  document.getElementById("stage").focus({ preventScroll: true });
}

function editorView() {
  const p = current();
  const findings = findingsOn(p);
  const staff = state.ws.role === "staff";
  const button = (id, label, action, key, extra = {}) =>
    el("button", { type: "button", id, title: `${label} (${key})`, onclick: action, ...extra }, label);
  const toolbar = el("div", { class: "toolbar" },
    button("back", t("back"), backToList, "Esc"),
    button("prev", `‹ ${t("prev")}`, () => step(-1), "P"),
    button("next", `${t("next")} ›`, () => step(1), "N"),
    button("next-flagged", t("nextFlagged"), nextFlagged, "F"),
    el("label", { class: "kind" }, t("kind"), " ",
      el("select", { id: "kind", onchange: (e) => { state.kind = e.target.value; } },
        KINDS.map((k, i) => el("option", { value: k, selected: k === state.kind }, `${i + 1} ${t("kindNames")[k]}`)))),
    button("draw", t("draw"), toggleDrawing, "A", { "aria-pressed": String(drawing()) }),
    button("remove", t("remove"), removeSelected, "Delete", { disabled: state.selected === null }),
    button("undo", t("undo"), undo, "Ctrl+Z", { disabled: !state.undo.length }),
    button("redo", t("redo"), redo, "Ctrl+Y", { disabled: !state.redo.length }),
    button("view-mode", state.burned ? t("burned") : t("outline"), () => { state.burned = !state.burned; render(); }, "M"),
    button("zoom-out", "−", () => zoom(1 / 1.25), "−", { "aria-label": t("zoomOut") }),
    button("zoom-fit", t("fit"), () => { state.zoom = 1; render(); }, "0"),
    button("zoom-in", "+", () => zoom(1.25), "+", { "aria-label": t("zoomIn") }),
    button("confirm", staff ? t("confirmNext") : t("confirm"), confirmPage, "Enter",
      { class: "primary", disabled: !mayConfirm(p) }));
  const stage = el("div", { class: "stage", id: "stage", tabindex: 0, "aria-label": pageLabel(p) }, pageCanvas(p));
  const reasons = [...p.review, p.error].filter(Boolean);
  const side = el("aside", { class: "side" },
    el("h2", {}, pageLabel(p)),
    verdict(p), el("p", {}, statusBadges(p)),
    reasons.map((r) => el("p", { class: "reason" }, r)),
    p.unknown_applicant && !p.reviewed ? el("label", { class: "choice" },
      el("input", { type: "checkbox", id: "unknown-choice", checked: state.choiceMade === p.id,
        onchange: (e) => { state.choiceMade = e.target.checked ? p.id : null; render(); } }), " ", t("unknownChoice")) : null,
    findings.length ? [el("h3", {}, t("findingsTitle")), el("ol", { class: "findings", id: "page-findings" },
      findings.map((f) => el("li", {}, f.text, f.bbox ? el("span", { class: "finding-actions" },
        el("button", { type: "button", class: "small primary", onclick: () => settle(f, { action: "add", kind: f.kind, bbox: f.bbox }) }, t("maskFinding")),
        el("button", { type: "button", class: "small", onclick: () => settle(f, { action: "dismiss", kind: f.kind, bbox: f.bbox, reason: reasonGiven() }) },
          t("dismissFinding"))) : null)))] : null,
    drawing() ? el("p", { class: "hint", id: "keybox-hint" }, t("keyBox")) : null,
    el("h3", {}, t("masks")),
    p.regions.length ? el("ol", { class: "masks", id: "masks" }, p.regions.map((r, i) =>
      el("li", { class: state.selected === i ? "selected" : "", onclick: () => select(i) },
        `${t("kindNames")[r.kind] || r.kind} · ${t("evidence")[r.evidence] || r.evidence}`)))
      : el("p", { class: "hint" }, t("none")),
    el("label", { class: "reason-field" }, t("reason"),
      el("input", { id: "reason", value: state.reason || t("defaultReason"), oninput: (e) => { state.reason = e.target.value; } })),
    p.dismissed.length ? [el("h3", {}, t("dismissedTitle")), el("ol", { class: "dismissed", id: "dismissed" },
      p.dismissed.map((d, i) => el("li", {}, `${t("kindNames")[d.kind] || d.kind} · ${d.reason} · ${d.by === "applicant" ? t("you") : d.by} `,
        el("button", { type: "button", class: "small", onclick: () => perform({ action: "restore", index: i }) }, t("restore")))))] : null,
    el("details", { class: "keys", open: true }, el("summary", {}, t("shortcuts")),
      el("dl", {}, t("keys").map(([k, what]) => [el("dt", {}, el("kbd", {}, k)), el("dd", {}, what)]))));
  return el("section", { class: "editor", id: "editor", "data-page": p.id, "data-ready": "0" }, toolbar,
    el("div", { class: "workspace" }, stage, side));
}

function pageCanvas(p) {
  const width = p.width;
  const height = p.height;
  const frame = el("div", { class: `page-frame${drawing() ? " drawing" : ""}`, id: "page-frame" });
  // The page image is kept across re-renders of the same page (answers are not cached).
  if (!state.image || state.image.id !== p.id) {
    const node = el("img", { id: "page-image", alt: pageLabel(p), draggable: "false",
      onload: () => { markReady(); warmNeighbours(); },
      onerror: () => { node.dataset.failed = "1"; markReady(); } });
    node.src = wsPath(`/pages/${p.id}/image`);
    state.image = { id: p.id, node };
  }
  const image = state.image.node;
  const overlay = svg("svg", { viewBox: `0 0 ${width} ${height}`, id: "overlay", preserveAspectRatio: "none" });
  if (p.withheld) {
    overlay.append(svg("rect", { x: 0, y: 0, width, height, class: "mask burned" }));
  }
  p.regions.forEach((r, i) => {
    const attrs = { class: `mask ${r.kind}${state.burned ? " burned" : ""}${state.selected === i ? " selected" : ""}`,
      "data-index": i, "vector-effect": "non-scaling-stroke" };
    // The outline that is painted (a turned line, an eye bar, a seal's disc); older runs have boxes only.
    const [x0, y0, x1, y1] = r.bbox;
    const shape = r.poly && r.poly.length >= 3
      ? svg("polygon", { ...attrs, points: r.poly.map(([x, y]) => `${x},${y}`).join(" ") })
      : svg("rect", { ...attrs, x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
    shape.addEventListener("mousedown", (e) => { if (!drawing()) { e.stopPropagation(); select(i); } });
    overlay.append(shape);
  });
  // What the audit's re-scan found still visible, drawn so the reviewer sees where it is.
  for (const f of findingsOn(p).filter((f) => f.bbox)) {
    const [x0, y0, x1, y1] = f.bbox;
    overlay.append(svg("rect", { class: "finding", x: x0, y: y0, width: x1 - x0, height: y1 - y0, "vector-effect": "non-scaling-stroke" }));
  }
  if (drawing()) {
    const [x0, y0, x1, y1] = state.keyBox;
    overlay.append(svg("rect", { class: "rubber", id: "keybox", x: x0, y: y0, width: x1 - x0, height: y1 - y0, "vector-effect": "non-scaling-stroke" }));
  }
  overlay.addEventListener("mousedown", (e) => {
    document.getElementById("stage").focus({ preventScroll: true });
    if (drawing() || e.shiftKey) startDrawing(e, overlay, width, height);
    else startPanning(e);
  });
  frame.append(image, overlay);
  return frame;
}

/// Fits the page into the stage, times the zoom.
function sizeFrame(frame, width, height) {
  const stage = document.getElementById("stage");
  if (!stage) return;
  const fit = Math.min((stage.clientWidth - 16) / width, (stage.clientHeight - 16) / height);
  const scale = Math.max(fit, 0.05) * state.zoom;
  frame.style.width = `${Math.round(width * scale)}px`;
  frame.style.height = `${Math.round(height * scale)}px`;
}

function zoom(factor) {
  state.zoom = Math.min(8, Math.max(0.25, state.zoom * factor));
  const p = current();
  sizeFrame(document.getElementById("page-frame"), p.width, p.height);
}

function pagePoint(event, overlay, width, height) {
  const box = overlay.getBoundingClientRect();
  const x = Math.round(((event.clientX - box.left) / box.width) * width);
  const y = Math.round(((event.clientY - box.top) / box.height) * height);
  return [Math.min(width, Math.max(0, x)), Math.min(height, Math.max(0, y))];
}

/// Drag on the page without draw mode: the stage scrolls with the pointer (a zoomed page moves).
function startPanning(event) {
  if (event.button !== 0) return;
  event.preventDefault();
  const stage = document.getElementById("stage");
  let [x, y] = [event.clientX, event.clientY];
  let moved = false;
  const move = (e) => {
    stage.scrollLeft -= e.clientX - x;
    stage.scrollTop -= e.clientY - y;
    moved ||= Math.abs(e.clientX - x) + Math.abs(e.clientY - y) > 0;
    [x, y] = [e.clientX, e.clientY];
  };
  const up = () => {
    window.removeEventListener("mousemove", move);
    window.removeEventListener("mouseup", up);
    if (!moved && state.selected !== null) select(null);
  };
  window.addEventListener("mousemove", move);
  window.addEventListener("mouseup", up);
}

/// Whether draw mode is on: then the keyboard's box is on the page.
const drawing = () => state.keyBox !== null;

/// Turns draw mode on or off. On, a box is ready for the keyboard in the middle of the page.
function toggleDrawing() {
  const p = current();
  const [w, h] = [p.width, p.height];
  state.keyBox = drawing()
    ? null
    : [Math.round(w * 0.35), Math.round(h * 0.47), Math.round(w * 0.65), Math.round(h * 0.53)];
  render();
}

/// Arrow keys in draw mode: move the keyboard box, or with Shift size it, by 1 % of the page.
function moveKeyBox(key, resize) {
  const p = current();
  const step = Math.max(1, Math.round(Math.max(p.width, p.height) / 100));
  const [dx, dy] = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[key];
  let [x0, y0, x1, y1] = state.keyBox;
  if (resize) {
    x1 = Math.max(x0 + 3, Math.min(p.width, x1 + dx));
    y1 = Math.max(y0 + 3, Math.min(p.height, y1 + dy));
  } else {
    const [bw, bh] = [x1 - x0, y1 - y0];
    x0 = Math.max(0, Math.min(p.width - bw, x0 + dx));
    y0 = Math.max(0, Math.min(p.height - bh, y0 + dy));
    [x1, y1] = [x0 + bw, y0 + bh];
  }
  state.keyBox = [x0, y0, x1, y1];
  render();
}

/// Whether the page may be confirmed now: a page whose folder is in no roster row needs the
/// reviewer's explicit choice first.
function mayConfirm(p) {
  return !(p.unknown_applicant && !p.reviewed && state.choiceMade !== p.id);
}

/// Whether the page itself has focus and is shown (not a button, a field or a half-loaded page).
function pageHasFocus() {
  const editor = document.getElementById("editor");
  return document.activeElement === document.getElementById("stage") && editor && editor.dataset.ready === "1";
}

/// Drag on the page in draw mode, or with Shift held, to add a mask.
function startDrawing(event, overlay, width, height) {
  if (event.button !== 0) return;
  event.preventDefault();
  const start = pagePoint(event, overlay, width, height);
  const rubber = svg("rect", { class: "rubber", x: start[0], y: start[1], width: 0, height: 0, "vector-effect": "non-scaling-stroke" });
  overlay.append(rubber);
  let end = start;
  const box = () => [Math.min(start[0], end[0]), Math.min(start[1], end[1]), Math.max(start[0], end[0]), Math.max(start[1], end[1])];
  const move = (e) => {
    end = pagePoint(e, overlay, width, height);
    const [x0, y0, x1, y1] = box();
    Object.entries({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }).forEach(([k, v]) => rubber.setAttribute(k, v));
  };
  const up = () => {
    window.removeEventListener("mousemove", move);
    window.removeEventListener("mouseup", up);
    rubber.remove();
    const bbox = box();
    if (bbox[2] - bbox[0] >= 3 && bbox[3] - bbox[1] >= 3) {
      state.keyBox = null;
      perform({ action: "add", kind: state.kind, bbox });
    } else {
      select(null);
    }
  };
  window.addEventListener("mousemove", move);
  window.addEventListener("mouseup", up);
}

function select(index) {
  state.selected = index;
  render();
}

function removeSelected() {
  if (state.selected === null) return;
  perform({ action: "remove", index: state.selected, reason: reasonGiven() });
}

/// The reason in the editor's field (its default when left alone).
const reasonGiven = () => (state.reason || t("defaultReason")).trim();

/// Masks or dismisses an audit finding; once recorded it leaves the queue (the next audit
/// checks it again).
async function settle(finding, action) {
  if (await perform(action)) {
    state.audit.problems = state.audit.problems.filter((f) => f !== finding);
    render();
  }
}

/// The edit that undoes `action`, from the page before and after it.
function inverse(action, before, after) {
  if (action.action === "add") return { action: "remove", index: after.regions.length - 1, reason: "undo" };
  if (action.action === "remove") {
    const region = before.regions[action.index];
    return region.evidence === "manual"
      ? { action: "add", kind: region.kind, bbox: region.bbox }
      : { action: "restore", index: after.dismissed.length - 1 };
  }
  if (action.action === "dismiss") return { action: "restore", index: after.dismissed.length - 1 };
  if (action.action === "restore") {
    return { action: "remove", index: after.regions.length - 1, reason: before.dismissed[action.index].reason };
  }
  return null;
}

/// Sends an edit; returns the edit that undoes it (none for a confirmation).
async function send(action, pageId = state.pageId) {
  const before = pages().find((p) => p.id === pageId);
  try {
    const after = await api("POST", wsPath(`/pages/${pageId}/edits`), { revision: before.revision, ...action });
    state.ws.pages = pages().map((p) => (p.id === pageId ? after : p));
    return { pageId, action: inverse(action, before, after) };
  } catch (error) {
    if (error.status === 409) {
      await reload();
      show(t("conflict"), "error");
    } else {
      show(error.message, "error");
    }
    render();
    return undefined;
  }
}

/// Makes an edit and keeps its undo; whether it was made.
async function perform(action) {
  const undone = await send(action);
  if (undone === undefined) return false;
  if (undone.action) {
    state.undo.push(undone);
    state.redo = [];
  }
  state.selected = null;
  show("");
  render();
  return true;
}

async function undo() { await replay(state.undo, state.redo); }
async function redo() { await replay(state.redo, state.undo); }

async function replay(from, to) {
  const entry = from.pop();
  if (!entry) return;
  if (entry.pageId !== state.pageId) {
    state.pageId = entry.pageId;
  }
  const back = await send(entry.action, entry.pageId);
  if (back && back.action) to.push(back);
  state.selected = null;
  render();
}

async function confirmPage() {
  const p = current();
  const done = await send({ action: "confirm" });
  if (done === undefined) return;
  if (state.ws.role === "staff") {
    const next = pages().find((q) => flagged(q) && q.id !== p.id);
    if (next) return openEditor(next.id);
    show(t("queueDone"));
    return backToList();
  }
  step(1);
}

function step(direction) {
  const seen = pages().filter(isPage);
  const at = seen.findIndex((p) => p.id === state.pageId);
  const next = seen[at + direction];
  if (next) openEditor(next.id);
  else render();
}

function nextFlagged() {
  const seen = pages().filter(isPage);
  const at = seen.findIndex((p) => p.id === state.pageId);
  const next = seen.slice(at + 1).concat(seen.slice(0, at)).find(flagged);
  if (next) openEditor(next.id);
  else show(t("allDone"));
}

function backToList() {
  if (location.hash) history.pushState(null, "", location.pathname);
  state.view = "list";
  render();
}

/// Follows the address: #page-ID opens that page, none shows the list.
function followAddress() {
  if (!state.ws || !state.ws.pages) return;
  const match = location.hash.match(/^#page-(\d+)$/);
  const id = match && Number(match[1]);
  if (match && pages().some((p) => p.id === id && isPage(p))) openEditor(id);
  else if (state.view === "editor") backToList();
}

/// Marks the editor as showing its page once the page image has loaded.
function markReady() {
  const editor = document.getElementById("editor");
  const image = state.image && state.image.node;
  const shown = image && image.complete && (image.naturalWidth || image.dataset.failed);
  if (editor && shown && Number(editor.dataset.page) === state.image.id) {
    editor.dataset.ready = "1";
  }
}

/// Asks the server for the pages either side, so that it has rendered them when they are opened.
function warmNeighbours() {
  const seen = pages().filter(isPage);
  const at = seen.findIndex((p) => p.id === state.pageId);
  for (const p of [seen[at + 1], seen[at - 1]]) {
    if (p) fetch(wsPath(`/pages/${p.id}/image`)).catch(() => {});
  }
}

function onKey(event) {
  if (state.view !== "editor") return;
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  const ctrl = event.ctrlKey || event.metaKey;
  const key = event.key;
  if (typing && key !== "Escape") return;
  const p = current();
  if (drawing() && !ctrl) {
    const drawKeys = {
      Enter: () => { const bbox = state.keyBox; state.keyBox = null; perform({ action: "add", kind: state.kind, bbox }); },
      Escape: toggleDrawing,
    };
    if (key.startsWith("Arrow")) drawKeys[key] = () => moveKeyBox(key, event.shiftKey);
    if (drawKeys[key]) {
      event.preventDefault();
      return drawKeys[key]();
    }
  }
  // Enter on a button is that button's; it confirms only from the shown page itself.
  if (key === "Enter" && !(pageHasFocus() && mayConfirm(p))) return;
  const actions = {
    n: () => step(1), ArrowRight: () => step(1), p: () => step(-1), ArrowLeft: () => step(-1),
    f: nextFlagged, Enter: confirmPage, a: toggleDrawing,
    s: () => select(p.regions.length ? ((state.selected ?? -1) + 1) % p.regions.length : null),
    Delete: removeSelected, Backspace: removeSelected, m: () => { state.burned = !state.burned; render(); },
    "+": () => zoom(1.25), "=": () => zoom(1.25), "-": () => zoom(1 / 1.25), 0: () => { state.zoom = 1; render(); },
    Escape: typing ? () => document.activeElement.blur() : backToList,
  };
  let action = actions[key] || actions[key.toLowerCase()];
  if (ctrl) {
    action = { z: event.shiftKey ? redo : undo, y: redo }[key.toLowerCase()];
  } else if (/^[1-5]$/.test(key)) {
    action = () => { state.kind = KINDS[Number(key) - 1]; render(); };
  }
  if (action) {
    event.preventDefault();
    action();
  }
}

// ---- the frame ----------------------------------------------------------------------------

function render() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.getElementById("title").textContent = t("title");
  const staff = state.session && state.session.role === "staff";
  document.getElementById("subtitle").textContent = staff ? t("staffSubtitle") : t("applicantSubtitle");
  document.getElementById("lang-toggle").textContent = t("otherLang");
  const views = {
    start: startView, progress: progressView, checklist: checklistView, editor: editorView,
    list: staff ? dashboardView : listView,
  };
  const view = state.view === "editor" && !current() ? "list" : state.view;
  const stageFocused = document.activeElement && document.activeElement.id === "stage";
  document.getElementById("app").replaceChildren(views[view]());
  if (stageFocused && view === "editor") document.getElementById("stage").focus({ preventScroll: true });
  document.body.dataset.view = view;
  if (view === "editor") {
    // Sized before it is marked ready, so that the page is where it is shown.
    const p = current();
    sizeFrame(document.getElementById("page-frame"), p.width, p.height);
    markReady();
  }
}

async function main() {
  document.getElementById("lang-toggle").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    render();
  });
  document.addEventListener("keydown", onKey);
  window.addEventListener("resize", () => state.view === "editor" && render());
  window.addEventListener("hashchange", followAddress);
  window.addEventListener("popstate", followAddress);
  try {
    state.session = await api("GET", "/api/session");
    state.lang = new URLSearchParams(location.search).get("lang") || state.session.lang;
    if (state.session.workspace) {
      state.ws = { id: state.session.workspace };
      await reload();
      if (state.ws.state === "processing") return waitForCheck();
      state.view = state.ws.state === "ready" ? "list" : "start";
    }
  } catch (error) {
    show(error.message, "error");
  }
  render();
}

main();
