//! The JFrog access token: the `access-token` input, or a GitHub OIDC ID token exchanged at
//! JFrog Access. Both OIDC tokens are redacted and masked the moment they exist.

use std::io::Write;

use crate::error::Error;
use crate::http::ClientOptions;
use crate::inputs::{InputError, Inputs, RunContext};
use crate::jfrog::apptrust::oidc;
use crate::report::commands;
use crate::secret::Secret;

/// The access token: given, or minted through OIDC.
pub(super) async fn token(
    inputs: &Inputs,
    ctx: &RunContext,
    http: &reqwest::Client,
    options: &ClientOptions,
    log: &mut impl Write,
) -> Result<Secret, Error> {
    if let Some(t) = &inputs.access_token {
        return Ok(t.clone());
    }
    let provider = inputs.oidc_provider_name.clone().unwrap_or_default();
    let (Some(url), Some(request_token)) = (&ctx.id_token_request_url, &ctx.id_token_request_token)
    else {
        return Err(Error::Input(InputError::Combination {
            message: oidc::MISSING_PERMISSION.to_string(),
        }));
    };
    let id_token = oidc::github_id_token(
        http,
        options,
        url,
        request_token,
        inputs.oidc_audience.as_deref(),
    )
    .await?;
    // Both OIDC tokens are secrets: the redactor learns each, and the runner masks it, the
    // moment it exists.
    options.redactor.add(id_token.expose());
    let _ = log.write_all(commands::add_mask(id_token.expose()).as_bytes());
    let ctx = oidc::ExchangeContext {
        provider_name: provider,
        project_key: inputs.project.clone(),
        application_key: Some(inputs.application.clone()),
        repository: ctx.repository.clone(),
        run_id: ctx.run_id.clone(),
        job_id: ctx.job.clone(),
        revision: ctx.sha.clone(),
        branch: ctx.ref_name.clone(),
    };
    let access = oidc::exchange(http, options, &inputs.jfrog_url, &id_token, &ctx).await?;
    options.redactor.add(access.expose());
    let _ = log.write_all(commands::add_mask(access.expose()).as_bytes());
    Ok(access)
}
