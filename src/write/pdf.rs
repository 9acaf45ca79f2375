//! Image-only PDFs: every page is one JPEG image filling the page, nothing else (no text, no
//! Info dictionary, no XMP).

use lopdf::{dictionary, Document, Object, Stream};

use crate::error::{Error, Result};

/// One masked page, ready to be placed in a PDF.
#[derive(Debug, Clone)]
pub struct PdfPage {
    /// JPEG bytes of the page.
    pub jpeg: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Whether the JPEG has one channel.
    pub greyscale: bool,
}

/// Builds a PDF whose pages are the given images, each `width x height` pixels at `dpi`.
pub fn build(pages: &[PdfPage], dpi: f32) -> Result<Vec<u8>> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for page in pages {
        let (w_pt, h_pt) = (
            page.width as f32 * 72.0 / dpi,
            page.height as f32 * 72.0 / dpi,
        );
        let color_space = if page.greyscale {
            "DeviceGray"
        } else {
            "DeviceRGB"
        };
        let image = Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => i64::from(page.width),
                "Height" => i64::from(page.height),
                "ColorSpace" => color_space,
                "BitsPerComponent" => 8,
                "Filter" => "DCTDecode",
            },
            page.jpeg.clone(),
        )
        .with_compression(false);
        let image_id = doc.add_object(image);
        let content = format!("q {w_pt:.4} 0 0 {h_pt:.4} 0 0 cm /Im0 Do Q");
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(w_pt), Object::Real(h_pt)],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
            "Contents" => content_id,
        });
        kids.push(Object::from(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| Error::encoder("PDF", e))?;
    Ok(out)
}

/// The image bytes of every page of a PDF made by [`build`], in page order (to check a written
/// PDF without rendering it).
pub fn page_images(bytes: &[u8]) -> Result<Vec<Vec<u8>>> {
    let fail = |e: lopdf::Error| Error::Encode {
        what: "PDF",
        detail: format!("written PDF cannot be read back: {e}"),
        source: Some(e.into()),
    };
    let doc = Document::load_mem(bytes).map_err(fail)?;
    doc.get_pages()
        .into_values()
        .map(|page_id| {
            let image_id = doc
                .get_dictionary(page_id)
                .and_then(|page| page.get(b"Resources"))
                .and_then(Object::as_dict)
                .and_then(|resources| resources.get(b"XObject"))
                .and_then(Object::as_dict)
                .and_then(|xobjects| xobjects.get(b"Im0"))
                .and_then(Object::as_reference)
                .map_err(fail)?;
            let stream = doc
                .get_object(image_id)
                .and_then(Object::as_stream)
                .map_err(fail)?;
            Ok(stream.content.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_has_one_image_per_page_and_no_info() {
        let page = crate::pages::Page {
            number: 1,
            pixels: image::RgbImage::new(200, 100),
            greyscale: false,
            text: None,
        };
        let jpeg = crate::write::raster::encode_jpeg(&page, 80).unwrap();
        let pdf_page = PdfPage {
            jpeg,
            width: 200,
            height: 100,
            greyscale: false,
        };
        let bytes = build(&[pdf_page.clone(), pdf_page.clone()], 200.0).unwrap();
        assert_eq!(page_images(&bytes).unwrap(), vec![pdf_page.jpeg.clone(); 2]);
        let doc = Document::load_mem(&bytes).unwrap();
        assert_eq!(doc.get_pages().len(), 2);
        assert!(doc.trailer.get(b"Info").is_err());
        let (_, page_id) = doc.get_pages().into_iter().next().unwrap();
        let media_box = doc
            .get_dictionary(page_id)
            .unwrap()
            .get(b"MediaBox")
            .unwrap()
            .as_array()
            .unwrap()
            .clone();
        assert!((media_box[2].as_float().unwrap() - 72.0).abs() < 0.01);
    }
}
