//! How every page answers a request it cannot carry out: the error page, the alert above the
//! form a refused step came from, and the answer to a forged form.

use accord_app::AppError;
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::frame::{PageFrame, html, t};
use super::viewer::Viewer;
use crate::error::ApiError;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: PageFrame,
}

/// The page for a refused or failed request: status, a message in the viewer's language where
/// the code has one (else the service's own words), and the stable code.
pub fn error_page(viewer: &Viewer, e: AppError) -> Response {
    let api = ApiError::from(e);
    let mut page = viewer.frame("error-title", "");
    page.alert = Some((error_message(viewer.lang, &api), api.code.to_owned()));
    html(api.status, &ErrorPage { page })
}

/// How a refused step is answered: a failure of the service or a missing object gets the error
/// page (`Err`); any other refusal is shown above the form it came from, with its status and the
/// alert (message in the viewer's language where worded, and the stable code).
pub fn refusal(
    viewer: &Viewer,
    e: AppError,
) -> Result<(StatusCode, (String, String)), Box<Response>> {
    if matches!(
        e,
        AppError::Storage(_) | AppError::Integrity { .. } | AppError::NotFound { .. }
    ) {
        return Err(Box::new(error_page(viewer, e)));
    }
    let api = ApiError::from(e);
    Ok((
        api.status,
        (error_message(viewer.lang, &api), api.code.to_owned()),
    ))
}

/// A translated message for an error code when there is one (`error-<code>`), else the
/// service's own message.
pub fn error_message(lang: &str, e: &ApiError) -> String {
    accord_i18n::message(lang, &format!("error-{}", e.code), &[])
        .unwrap_or_else(|| e.message.clone())
}

/// The answer to a form that fails the CSRF or origin check: nothing was done.
pub fn forged_form(lang: &str) -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        t(lang, "web-error-forged-form", &[]),
    )
        .into_response()
}
