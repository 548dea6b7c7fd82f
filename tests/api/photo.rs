//! Issue 16: a person's photo, checked, stripped and resized (both backends).

use std::io::Cursor;

use serde_json::Value;

use crate::helpers::{assert_problem, failing_fields, spawn_app};

pub fn encoded(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

/// A JPEG with an EXIF segment holding a GPS tag, spliced in after SOI.
fn jpeg_with_gps() -> Vec<u8> {
    let jpeg = encoded(640, 480, image::ImageFormat::Jpeg);
    let mut exif =
        b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x88\x25\0\x04\0\0\0\x01\0\0\0\x1aGPSLatitude-9.9333"
            .to_vec();
    exif.resize(64, 0);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&exif);
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub async fn put(
    app: &crate::helpers::TestApp,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.client
        .put(app.url("/api/v1/people/jorge-gallo/photo"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_photo_is_checked_stripped_cropped_and_served_with_a_strong_etag() {
    let app = spawn_app().await;
    let upload = jpeg_with_gps();
    assert!(upload.windows(4).any(|w| w == b"Exif"));
    let response = put(&app, "image/jpeg", upload).await;
    assert_eq!(response.status(), 200);
    let stored: Value = response.json().await.unwrap();
    let url = stored["url"].as_str().unwrap().to_string();

    let person = app.get_json("/api/v1/people/jorge-gallo").await;
    assert_eq!(person["photo_url"], url);

    let photo = app.get(&url).await;
    assert_eq!(photo.status(), 200);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    let etag = photo.headers()["etag"].to_str().unwrap().to_string();
    assert!(!etag.starts_with("W/"), "a strong validator: {etag}");
    assert!(
        photo.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    let bytes = photo.bytes().await.unwrap();
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "metadata stripped");
    assert!(!bytes.windows(3).any(|w| w == b"GPS"));
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!(
        (decoded.width(), decoded.height()),
        (400, 400),
        "a 400 px square"
    );

    let again = app
        .public
        .get(app.url(&url))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // PNG and WebP are read too; the address changes with the photo.
    let response = put(
        &app,
        "image/png",
        encoded(300, 900, image::ImageFormat::Png),
    )
    .await;
    assert_eq!(response.status(), 200);
    let second: Value = response.json().await.unwrap();
    assert_ne!(second["url"], stored["url"]);
    let response = put(
        &app,
        "image/webp",
        encoded(500, 500, image::ImageFormat::WebP),
    )
    .await;
    assert_eq!(response.status(), 200);

    // The vCard points at it.
    let card = app
        .get("/api/v1/people/jorge-gallo/vcard")
        .await
        .text()
        .await
        .unwrap();
    assert!(card.contains("PHOTO;MEDIATYPE=image/jpeg:http"), "{card}");

    // Removed outright.
    let removed = app.delete("/api/v1/people/jorge-gallo/photo").await;
    assert_eq!(removed.status(), 204);
    assert_eq!(app.get(&url).await.status(), 404);
    assert_eq!(
        app.get_json("/api/v1/people/jorge-gallo").await["photo_url"],
        Value::Null
    );
    assert_eq!(
        app.delete("/api/v1/people/jorge-gallo/photo")
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn what_is_not_a_small_enough_image_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let not_image = put(&app, "image/png", b"this is not a picture at all".to_vec()).await;
    let problem = assert_problem(not_image, 422, "validation-failed").await;
    assert_eq!(failing_fields(&problem), vec!["photo"]);

    // A PNG sent as a JPEG is still an image of an accepted type: read by content.
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;".to_vec();
    let refused = put(&app, "image/jpeg", gif).await;
    assert_problem(refused, 422, "validation-failed").await;

    // Too many pixels: refused before decoding them all.
    let bomb = put(&app, "image/png", encoded(9000, 1, image::ImageFormat::Png)).await;
    let problem = assert_problem(bomb, 422, "validation-failed").await;
    assert!(problem["errors"].to_string().contains("8000"), "{problem}");

    let text = put(&app, "text/plain", b"hello".to_vec()).await;
    assert_problem(text, 415, "unsupported-media-type").await;

    let huge = put(&app, "image/jpeg", vec![0u8; 5 * 1024 * 1024 + 1]).await;
    assert_eq!(huge.status(), 413);

    let keyless = app
        .public
        .put(app.url("/api/v1/people/jorge-gallo/photo"))
        .header("content-type", "image/png")
        .body(encoded(10, 10, image::ImageFormat::Png))
        .send()
        .await
        .unwrap();
    assert_eq!(keyless.status(), 401);

    assert_eq!(
        app.get_json("/api/v1/people/jorge-gallo").await["photo_url"],
        Value::Null,
        "nothing stored"
    );
}

#[tokio::test]
async fn an_import_refuses_photos_that_are_not_stored_photos_or_have_no_person() {
    use base64::Engine as _;
    let app = spawn_app().await;
    let mut document = app.export_document().await;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let stored = encoded(400, 400, image::ImageFormat::Jpeg);
    let person = document["people"][0]["id"].clone();
    document["person_photos"] = serde_json::json!([
        {"person_id": person, "jpeg": b64(&encoded(400, 400, image::ImageFormat::Png)), "updated_at": "2026-11-30T12:00:00"},
        {"person_id": person, "jpeg": b64(&encoded(800, 800, image::ImageFormat::Jpeg)), "updated_at": "2026-11-30T12:00:00"},
        {"person_id": "no-such-person", "jpeg": b64(&stored), "updated_at": "2026-11-30T12:00:00"},
        {"person_id": person, "jpeg": b64(b"GIF89a"), "updated_at": "2026-11-30T12:00:00"},
    ]);
    let before = app.get_json("/api/v1/people/jorge-gallo").await;
    let response = app.import_document(&document).await;
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    let fields = failing_fields(&problem);
    for field in [
        "person_photos[0].jpeg",
        "person_photos[1].jpeg",
        "person_photos[1].person_id",
        "person_photos[2].person_id",
        "person_photos[3].jpeg",
    ] {
        assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
    }
    assert_eq!(app.get_json("/api/v1/people/jorge-gallo").await, before);

    // Not base64 at all: named, not a 500.
    document["person_photos"] = serde_json::json!([{"person_id": person, "jpeg": "%%%", "updated_at": "2026-11-30T12:00:00"}]);
    let response = app.import_document(&document).await;
    assert!(
        matches!(response.status().as_u16(), 400 | 422),
        "{}",
        response.status()
    );
}
