//! The committed spec is the contract: this fails when the code's spec
//! differs from `openapi/openapi.json`. `UPDATE_OPENAPI=1` rewrites the file.

use crate::helpers::spawn_app;

#[tokio::test]
async fn served_spec_matches_the_committed_file() {
    let app = spawn_app().await;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");

    let served = app.get("/openapi.json").await.text().await.unwrap();

    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(path, &served).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        served == committed,
        "openapi/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit it"
    );
}

#[tokio::test]
async fn every_operation_documents_its_errors_as_problems() {
    let spec: serde_json::Value = serde_json::from_str(&pressdir::startup::openapi_json()).unwrap();

    assert_eq!(spec["openapi"].as_str().unwrap().get(..3), Some("3.1"));
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            if path.starts_with("/api/v1") {
                let errors: Vec<&String> = responses
                    .keys()
                    .filter(|s| s.starts_with('4') || s.starts_with('5'))
                    .collect();
                assert!(!errors.is_empty(), "{method} {path} documents no error");
                for status in errors {
                    let content = &responses[status]["content"];
                    assert!(
                        content.get("application/problem+json").is_some(),
                        "{method} {path} {status} is not problem+json"
                    );
                }
            }
        }
    }
}

/// Partners read the spec (and Swagger UI shows it): every operation says
/// what it does, every response what it means.
#[test]
fn every_operation_and_every_response_is_described() {
    let spec: serde_json::Value = serde_json::from_str(&pressdir::startup::openapi_json()).unwrap();
    let mut undescribed = vec![];
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let said = |key: &str| {
                operation[key]
                    .as_str()
                    .is_some_and(|s| !s.trim().is_empty())
            };
            if !said("summary") && !said("description") {
                undescribed.push(format!("{method} {path}"));
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                if response["description"]
                    .as_str()
                    .is_none_or(|d| d.trim().is_empty())
                {
                    undescribed.push(format!("{method} {path} {status}"));
                }
            }
        }
    }
    assert!(undescribed.is_empty(), "undescribed: {undescribed:#?}");
}
