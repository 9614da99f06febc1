//! Faults endpoint by endpoint: every AppTrust call the action makes, each failure it can meet,
//! and what the run then says and does.

use promote_action::simulator::{Fault, FaultKind};

use crate::faults::*;

// ------------------------------------------------------------------ GET /access/api/v2/lifecycle

scenarios! {
    lifecycle_500_once_is_retried => promote_ok().fault(once(LIFECYCLE, status(500)));
    lifecycle_502_once_is_retried => promote_ok().fault(once(LIFECYCLE, status(502)));
    lifecycle_503_once_is_retried => promote_ok().fault(once(LIFECYCLE, status(503)));
    lifecycle_503_persistent_fails => promote_fails().unknown_stage_ok().fault(always(LIFECYCLE, status(503))).says("HTTP 503");
    lifecycle_429_with_retry_after_is_waited => promote_ok().fault(once(LIFECYCLE, retry_after(429, 1)));
    lifecycle_429_without_retry_after_backs_off => promote_ok().fault(once(LIFECYCLE, status(429)));
    lifecycle_429_persistent_fails => promote_fails().unknown_stage_ok().fault(always(LIFECYCLE, status(429))).says("rate-limiting");
    lifecycle_429_retry_after_too_long_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, retry_after(429, 3600))).says("longer than the action waits");
    lifecycle_401_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, status(401))).says("access-token");
    lifecycle_403_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, status(403))).says("permission");
    lifecycle_404_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, status(404))).says("jfrog-url");
    lifecycle_409_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, status(409)));
    lifecycle_slow_once_is_retried => promote_ok().fault(once(LIFECYCLE, slow()));
    lifecycle_slow_persistent_fails => promote_fails().unknown_stage_ok().fault(always(LIFECYCLE, slow())).says("no answer within");
    lifecycle_drop_before_apply_once_is_retried => promote_ok().fault(once(LIFECYCLE, FaultKind::DropBeforeApply));
    lifecycle_drop_after_apply_once_is_retried => promote_ok().fault(once(LIFECYCLE, FaultKind::DropAfterApply));
    lifecycle_drop_persistent_fails => promote_fails().unknown_stage_ok().fault(always(LIFECYCLE, FaultKind::DropBeforeApply));
    lifecycle_malformed_json_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, FaultKind::MalformedJson)).says("not the JSON AppTrust documents");
    lifecycle_truncated_json_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, FaultKind::TruncatedJson));
    lifecycle_upper_case_enums_work => promote_ok().fault(always(LIFECYCLE, FaultKind::UpperCaseEnums));
    lifecycle_missing_fields_fails => promote_fails().unknown_stage_ok().fault(always(LIFECYCLE, FaultKind::MissingFields)).says("lifecycle");
    lifecycle_extra_fields_work => promote_ok().fault(always(LIFECYCLE, FaultKind::ExtraFields));
}

// ------------------------------------------------------------------ GET …/versions (newest)

scenarios! {
    list_500_once_is_retried => newest_ok().fault(once(LIST, status(500)));
    list_503_persistent_fails => newest_fails().fault(always(LIST, status(503)));
    list_429_with_retry_after_is_waited => newest_ok().fault(once(LIST, retry_after(429, 1)));
    list_429_without_retry_after_backs_off => newest_ok().fault(once(LIST, status(429)));
    list_401_fails => newest_fails().fault(once(LIST, status(401)));
    list_403_fails => newest_fails().fault(once(LIST, status(403)));
    list_404_fails => newest_fails().fault(once(LIST, status(404)));
    list_slow_once_is_retried => newest_ok().fault(once(LIST, slow()));
    list_drop_before_apply_once_is_retried => newest_ok().fault(once(LIST, FaultKind::DropBeforeApply));
    list_drop_after_apply_once_is_retried => newest_ok().fault(once(LIST, FaultKind::DropAfterApply));
    list_malformed_json_fails => newest_fails().fault(once(LIST, FaultKind::MalformedJson));
    list_truncated_json_fails => newest_fails().fault(once(LIST, FaultKind::TruncatedJson));
    list_upper_case_enums_work => newest_ok().fault(always(LIST, FaultKind::UpperCaseEnums));
    list_missing_fields_fails => newest_fails().fault(always(LIST, FaultKind::MissingFields));
    list_extra_fields_work => newest_ok().fault(always(LIST, FaultKind::ExtraFields));
}

// ------------------------------------------------------------------ GET …/content

scenarios! {
    content_500_once_is_retried => promote_ok().fault(once(CONTENT, status(500)));
    content_502_once_is_retried => promote_ok().fault(once(CONTENT, status(502)));
    content_503_once_is_retried => promote_ok().fault(once(CONTENT, status(503)));
    content_503_persistent_fails => promote_fails().unknown_stage_ok().fault(always(CONTENT, status(503)));
    content_429_with_retry_after_is_waited => promote_ok().fault(once(CONTENT, retry_after(429, 1)));
    content_429_without_retry_after_backs_off => promote_ok().fault(once(CONTENT, status(429)));
    content_401_fails => promote_fails().unknown_stage_ok().fault(once(CONTENT, status(401)));
    content_403_fails => promote_fails().unknown_stage_ok().fault(once(CONTENT, status(403)));
    content_404_fails => promote_fails().unknown_stage_ok().fault(once(CONTENT, status(404))).says("version");
    content_409_fails => promote_fails().unknown_stage_ok().fault(once(CONTENT, status(409)));
    content_slow_once_is_retried => promote_ok().fault(once(CONTENT, slow()));
    content_slow_persistent_fails => promote_fails().unknown_stage_ok().fault(always(CONTENT, slow()));
    content_drop_before_apply_once_is_retried => promote_ok().fault(once(CONTENT, FaultKind::DropBeforeApply));
    content_drop_after_apply_once_is_retried => promote_ok().fault(once(CONTENT, FaultKind::DropAfterApply));
    content_malformed_json_fails => promote_fails().unknown_stage_ok().fault(once(CONTENT, FaultKind::MalformedJson));
    content_truncated_json_fails => promote_fails().unknown_stage_ok().fault(once(CONTENT, FaultKind::TruncatedJson));
    content_upper_case_enums_work => promote_ok().fault(always(CONTENT, FaultKind::UpperCaseEnums));
    content_missing_fields_fails_without_promoting => promote_fails().unknown_stage_ok().fault(always(CONTENT, FaultKind::MissingFields));
    content_extra_fields_work => promote_ok().fault(always(CONTENT, FaultKind::ExtraFields));
    // The re-read after the promote fails: the promotion happened (AppTrust said so), the action
    // could not confirm it; it must not claim the old stage.
    content_verify_read_fails_after_promote => promote_next()
        .expect(3, "failed", QA)
        .unknown_stage_ok()
        .fault(Fault::on(CONTENT, pass()).times(1))
        .fault(always(CONTENT, status(503)));
}

// ------------------------------------------------------------------ POST …/promote

scenarios! {
    promote_500_is_sent_once_and_verified => promote_fails().fault(once(PROMOTE, status(500))).says("HTTP 500");
    promote_502_is_sent_once_and_verified => promote_fails().fault(once(PROMOTE, status(502)));
    promote_503_is_sent_once_and_verified => promote_fails().fault(once(PROMOTE, status(503)));
    promote_503_persistent_fails => promote_fails().fault(always(PROMOTE, status(503)));
    promote_500_persistent_names_the_stage => promote_fails().fault(always(PROMOTE, status(500))).says("while entering QA");
    promote_429_with_retry_after_is_not_resent => promote_fails().fault(once(PROMOTE, retry_after(429, 1)));
    promote_429_without_retry_after_is_not_resent => promote_fails().fault(once(PROMOTE, status(429)));
    promote_401_fails => promote_fails().fault(once(PROMOTE, status(401))).says("access-token");
    promote_403_fails => promote_fails().fault(once(PROMOTE, status(403))).says("permission");
    promote_404_fails => promote_fails().fault(once(PROMOTE, status(404)));
    promote_409_conflict_fails => promote_fails().fault(once(PROMOTE, status(409))).says("refused");
    promote_409_in_progress_is_waited_out => promote_ok().max_posts(3).fault(Fault::on(PROMOTE, in_progress()).times(2));
    promote_409_in_progress_past_the_bound_fails_clearly => promote_fails().max_posts(100).fault(always(PROMOTE, in_progress())).says("still running after 1 s");
    promote_slow_answer_is_verified_not_resent => promote_next()
        .expect(0, "promoted", QA)
        .expect(3, "failed", DEV)
        .fault(once(PROMOTE, slow()));
    promote_drop_before_apply_fails_unchanged => promote_fails().fault(once(PROMOTE, FaultKind::DropBeforeApply));
    promote_drop_after_apply_reports_the_true_stage => promote_ok().fault(once(PROMOTE, FaultKind::DropAfterApply)).says("re-reading the version shows it reached QA");
    promote_malformed_json_success_is_verified => promote_ok().fault(once(PROMOTE, FaultKind::MalformedJson));
    promote_truncated_json_success_is_verified => promote_ok().fault(once(PROMOTE, FaultKind::TruncatedJson));
    promote_upper_case_enums_work => promote_ok().fault(always(PROMOTE, FaultKind::UpperCaseEnums));
    promote_missing_fields_work => promote_ok().fault(always(PROMOTE, FaultKind::MissingFields));
    promote_extra_fields_work => promote_ok().fault(always(PROMOTE, FaultKind::ExtraFields));
}

// ------------------------------------------------------------------ POST …/release

scenarios! {
    release_500_is_sent_once_and_verified => release_fails().fault(once(RELEASE, status(500)));
    release_503_persistent_fails => release_fails().fault(always(RELEASE, status(503)));
    release_429_is_not_resent => release_fails().fault(once(RELEASE, retry_after(429, 1)));
    release_401_fails => release_fails().fault(once(RELEASE, status(401)));
    release_403_fails => release_fails().fault(once(RELEASE, status(403)));
    release_404_fails => release_fails().fault(once(RELEASE, status(404)));
    release_409_conflict_fails => release_fails().fault(once(RELEASE, status(409)));
    release_409_in_progress_is_waited_out => release_ok().max_posts(3).fault(Fault::on(RELEASE, in_progress()).times(2));
    release_409_in_progress_past_the_bound_fails_clearly => release_fails().max_posts(100).fault(always(RELEASE, in_progress())).says("still running after 1 s");
    release_slow_answer_is_verified_not_resent => release()
        .expect(0, "released", PROD)
        .expect(3, "failed", STAGING)
        .fault(once(RELEASE, slow()));
    release_drop_before_apply_fails_unchanged => release_fails().fault(once(RELEASE, FaultKind::DropBeforeApply));
    release_drop_after_apply_reports_the_true_stage => release_ok().fault(once(RELEASE, FaultKind::DropAfterApply));
    release_malformed_json_success_is_verified => release_ok().fault(once(RELEASE, FaultKind::MalformedJson));
    release_truncated_json_success_is_verified => release_ok().fault(once(RELEASE, FaultKind::TruncatedJson));
    release_upper_case_enums_work => release_ok().fault(always(RELEASE, FaultKind::UpperCaseEnums));
    release_missing_fields_work => release_ok().fault(always(RELEASE, FaultKind::MissingFields));
    release_extra_fields_work => release_ok().fault(always(RELEASE, FaultKind::ExtraFields));
}

// ------------------------------------------------------------------ POST …/rollback

scenarios! {
    rollback_500_is_sent_once_and_verified => rollback_fails().fault(once(ROLLBACK, status(500)));
    rollback_503_persistent_fails => rollback_fails().fault(always(ROLLBACK, status(503)));
    rollback_429_is_not_resent => rollback_fails().fault(once(ROLLBACK, status(429)));
    rollback_401_fails => rollback_fails().fault(once(ROLLBACK, status(401)));
    rollback_403_fails => rollback_fails().fault(once(ROLLBACK, status(403)));
    rollback_404_fails => rollback_fails().fault(once(ROLLBACK, status(404)));
    rollback_409_fails => rollback_fails().fault(once(ROLLBACK, status(409)));
    rollback_409_in_progress_fails_without_resending => rollback_fails().fault(always(ROLLBACK, in_progress()));
    rollback_slow_answer_is_verified_not_resent => rollback()
        .expect(0, "rolled-back", STAGING)
        .expect(3, "failed", PROD)
        .fault(once(ROLLBACK, slow()));
    rollback_drop_before_apply_fails_unchanged => rollback_fails().fault(once(ROLLBACK, FaultKind::DropBeforeApply));
    rollback_drop_after_apply_reports_the_true_stage => rollback_ok().fault(once(ROLLBACK, FaultKind::DropAfterApply));
    rollback_malformed_json_success_is_verified => rollback_ok().fault(once(ROLLBACK, FaultKind::MalformedJson));
    rollback_truncated_json_success_is_verified => rollback_ok().fault(once(ROLLBACK, FaultKind::TruncatedJson));
    rollback_upper_case_enums_work => rollback_ok().fault(always(ROLLBACK, FaultKind::UpperCaseEnums));
    rollback_missing_fields_work => rollback_ok().fault(always(ROLLBACK, FaultKind::MissingFields));
    rollback_extra_fields_work => rollback_ok().fault(always(ROLLBACK, FaultKind::ExtraFields));
}

// ------------------------------------------------------------------ GET …/promotions (status)

scenarios! {
    promotions_500_once_is_retried => status_ok().fault(once(PROMOTIONS, status(500)));
    promotions_503_persistent_fails => status_fails().fault(always(PROMOTIONS, status(503)));
    promotions_429_with_retry_after_is_waited => status_ok().fault(once(PROMOTIONS, retry_after(429, 1)));
    promotions_429_without_retry_after_backs_off => status_ok().fault(once(PROMOTIONS, status(429)));
    promotions_401_fails => status_fails().fault(once(PROMOTIONS, status(401)));
    promotions_403_fails => status_fails().fault(once(PROMOTIONS, status(403)));
    promotions_404_fails => status_fails().fault(once(PROMOTIONS, status(404)));
    promotions_slow_once_is_retried => status_ok().fault(once(PROMOTIONS, slow()));
    promotions_drop_before_apply_once_is_retried => status_ok().fault(once(PROMOTIONS, FaultKind::DropBeforeApply));
    promotions_drop_after_apply_once_is_retried => status_ok().fault(once(PROMOTIONS, FaultKind::DropAfterApply));
    promotions_malformed_json_fails => status_fails().fault(once(PROMOTIONS, FaultKind::MalformedJson));
    promotions_truncated_json_fails => status_fails().fault(once(PROMOTIONS, FaultKind::TruncatedJson));
    promotions_upper_case_enums_work => status_ok().fault(always(PROMOTIONS, FaultKind::UpperCaseEnums));
    promotions_extra_fields_work => status_ok().fault(always(PROMOTIONS, FaultKind::ExtraFields));
}

// ------------------------------------------------------------------ PATCH …/versions/{v} (audit)

/// The audit properties are written after the promotion: their failure is a warning, the
/// promotion stands and is reported as such.
fn patch(kind: FaultKind) -> Fault {
    Fault::on("/versions/1.2.0", kind).method("PATCH")
}
const AUDIT_WARNING: &str = "audit properties were not written";

scenarios! {
    patch_500_warns_and_the_promotion_stands => promote_ok().fault(patch(status(500))).summary_says(AUDIT_WARNING);
    patch_403_warns_and_the_promotion_stands => promote_ok().fault(patch(status(403))).summary_says(AUDIT_WARNING);
    patch_404_warns_and_the_promotion_stands => promote_ok().fault(patch(status(404))).summary_says(AUDIT_WARNING);
    patch_429_warns_and_the_promotion_stands => promote_ok().fault(patch(retry_after(429, 1))).summary_says(AUDIT_WARNING);
    patch_slow_warns_and_the_promotion_stands => promote_ok().fault(patch(slow())).summary_says(AUDIT_WARNING);
    patch_drop_before_apply_warns_and_the_promotion_stands => promote_ok().fault(patch(FaultKind::DropBeforeApply)).summary_says(AUDIT_WARNING);
    patch_drop_after_apply_keeps_the_promotion => promote_ok().fault(patch(FaultKind::DropAfterApply));
    patch_malformed_json_keeps_the_promotion => promote_ok().fault(patch(FaultKind::MalformedJson));
    patch_missing_fields_keeps_the_promotion => promote_ok().fault(patch(FaultKind::MissingFields));
}

// ------------------------------------------------------------------ POST /access/api/v1/oidc/token

scenarios! {
    oidc_exchange_works => oidc_ok();
    oidc_500_once => oidc_ok()
        .expect(3, "failed", DEV)
        .unknown_stage_ok()
        .fault(once(OIDC, status(500)));
    oidc_503_persistent_fails => oidc_fails().fault(always(OIDC, status(503)));
    oidc_401_fails_naming_the_provider => oidc_fails().fault(always(OIDC, status(401))).says("github-oidc");
    oidc_403_fails => oidc_fails().fault(always(OIDC, status(403)));
    oidc_429_persistent_fails => oidc_fails().fault(always(OIDC, status(429)));
    oidc_slow_persistent_fails => oidc_fails().fault(always(OIDC, slow()));
    oidc_drop_before_apply_fails => oidc_fails().fault(always(OIDC, FaultKind::DropBeforeApply));
    oidc_malformed_json_fails => oidc_fails().fault(always(OIDC, FaultKind::MalformedJson));
    oidc_truncated_json_fails => oidc_fails().fault(always(OIDC, FaultKind::TruncatedJson));
    oidc_missing_fields_fails => oidc_fails().fault(always(OIDC, FaultKind::MissingFields)).says("access_token");
    oidc_upper_case_enums_work => oidc_ok().fault(always(OIDC, FaultKind::UpperCaseEnums));
    oidc_extra_fields_work => oidc_ok().fault(always(OIDC, FaultKind::ExtraFields));
}
