//! Generated models at run time: what the fixtures' snapshots declare decodes and encodes the
//! JSON the spec describes. (`compile.rs` beside this file proves the snapshots compile; this
//! reads and writes values with them.)

// The generated code names its models `crate::models`: it stands at the crate root.
include!("../../codegen/tests/fixtures/unions/expected.rs");

use models::{App, AppOneOf, AppOneOfAccountApp, AppOneOfOption2, Rule, RuleTarget};
use serde_json::json;

#[test]
fn a_one_of_beside_properties_is_read_from_the_same_object() {
    let app: App =
        serde_json::from_value(json!({"priority": 2, "managed_app_id": "m"})).expect("decodes");
    assert_eq!(
        app,
        App {
            priority: 2,
            one_of: AppOneOf::AppOneOfOption2(AppOneOfOption2 {
                managed_app_id: "m".into()
            }),
        }
    );
    assert_eq!(
        serde_json::to_value(&app).expect("encodes"),
        json!({"priority": 2, "managed_app_id": "m"})
    );
    let account = App {
        priority: 1,
        one_of: AppOneOf::AppOneOfAccountApp(AppOneOfAccountApp {
            account_app_id: "a".into(),
        }),
    };
    let text = serde_json::to_string(&account).expect("encodes");
    assert_eq!(
        serde_json::from_str::<App>(&text).expect("decodes"),
        account
    );
    // Neither id, or no priority: not an app.
    assert!(serde_json::from_value::<App>(json!({"priority": 2})).is_err());
    assert!(serde_json::from_value::<App>(json!({"account_app_id": "a"})).is_err());
}

#[test]
fn untagged_unions_try_their_members_in_order() {
    let rule: Rule = serde_json::from_value(json!({
        "target": "10.0.0.1",
        "app": {"priority": 0, "account_app_id": "a"}
    }))
    .expect("decodes");
    assert_eq!(rule.target, Some(RuleTarget::String("10.0.0.1".into())));
    assert!(matches!(
        rule.app.map(|app| app.one_of),
        Some(AppOneOf::AppOneOfAccountApp(_))
    ));
    let rule: Rule = serde_json::from_value(json!({"target": {"name": "edge"}})).expect("decodes");
    assert!(matches!(rule.target, Some(RuleTarget::Named(_))));
}
