//! ONNX Runtime helpers the models share: a session for a model file, a page as an input tensor.

use image::RgbImage;

use crate::error::Result;

/// A page as a model input: BGR channel order, NCHW, each channel value passed through `scale`
/// (the models differ only in how they normalize).
pub(super) fn bgr_tensor(
    image: &RgbImage,
    scale: impl Fn(usize, f32) -> f32,
) -> ndarray::Array4<f32> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut input = ndarray::Array4::<f32>::zeros((1, 3, h, w));
    for (x, y, p) in image.enumerate_pixels() {
        for (c, channel) in [2usize, 1, 0].into_iter().enumerate() {
            input[[0, c, y as usize, x as usize]] = scale(c, f32::from(p.0[channel]));
        }
    }
    input
}

/// The ImageNet normalisation PaddleOCR's classifiers and seal detector were trained with:
/// channel `c` of the BGR tensor, value `v` (0..=255), scaled by the listed means and deviations
/// in their order.
pub(super) fn imagenet(c: usize, v: f32) -> f32 {
    const MEAN: [f32; 3] = [0.485, 0.456, 0.406];
    const STD: [f32; 3] = [0.229, 0.224, 0.225];
    (v / 255.0 - MEAN[c]) / STD[c]
}

/// Creates an ONNX Runtime session for a model file.
pub(super) fn session(path: &std::path::Path, threads: usize) -> Result<ort::session::Session> {
    let environment = crate::runtime::ort_environment()?;
    let builder = ort::session::Session::builder(environment)?;
    let configured = || -> ort::Result<ort::session::Session> {
        builder
            .with_intra_threads(threads)?
            // Idle threads sleep instead of spinning: a worker's session waits for its next
            // page while the other workers need the cores (4 workers on 16 cores spun 2.6 times
            // the CPU of a pinned run).
            .with_intra_op_spinning(false)?
            .with_inter_threads(1)?
            // Page sizes vary: no arena, which would keep the largest page's buffers for the
            // whole run (it doubled peak memory). The memory pattern puts a run's tensors in one
            // block, freed whole after it, which malloc returns to the system instead of keeping
            // the holes of many: dev set at 2 workers 1013 -> 810-894 MB peak, as fast.
            .with_memory_pattern(true)?
            .with_execution_providers([ort::ep::CPU::default()
                .with_arena_allocator(false)
                .build()])?
            .commit_from_file(path)
    };
    configured().map_err(|e| crate::error::Error::Model {
        name: path.display().to_string(),
        detail: e.to_string(),
        source: Some(e.into()),
    })
}
