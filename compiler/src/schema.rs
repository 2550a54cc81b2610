//! The platforms' schemas, loaded from the data files in `compiler/schemas/`.
//!
//! Adding a field, a helper method or a platform is a change to those JSON files, not to the
//! checker: `freshdesk.json` and `freshservice.json` hold each platform's REST ticket and
//! related objects, status/priority/source codes, ticket types and searchable fields;
//! `common.json` holds the Exalate-style entity view, the replica, the value objects and the
//! helpers with their method signatures.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::lock::SchemaLock;
use crate::query::{FieldKind, QueryFields, SearchField};
use crate::types::Type;

/// One field of a ticket, object or replica.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub ty: Type,
    pub nullable: bool,
    pub read_only: bool,
    /// Accepted in requests, never returned (`email` on ticket create).
    pub write_only: bool,
    /// Integer codes and their names (`status`, `priority`, `source`).
    pub codes: Option<Vec<(i64, String)>>,
    /// Allowed string values, when fixed.
    pub choices: Option<Vec<String>>,
    /// For the entity view: the REST attribute it stands for.
    pub rest: Option<String>,
    pub doc: String,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub ty: Type,
    pub optional: bool,
}

/// Which names a helper argument must be (checked by value flow).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameCheck {
    Status,
    Priority,
}

#[derive(Clone, Debug)]
pub struct Method {
    pub name: String,
    pub params: Vec<Param>,
    pub returns: Type,
    pub check: Option<NameCheck>,
    pub doc: String,
    pub example: String,
}

impl Method {
    pub fn required_params(&self) -> usize {
        self.params.iter().filter(|p| !p.optional).count()
    }

    /// `getStatus(name: String?): Status?`
    pub fn signature(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| format!("{}{}: {}", p.name, if p.optional { "?" } else { "" }, p.ty))
            .collect();
        format!("{}({}): {}", self.name, params.join(", "), self.returns)
    }
}

#[derive(Clone, Debug)]
pub struct Helper {
    pub name: String,
    pub doc: String,
    pub methods: Vec<Method>,
}

#[derive(Clone, Debug)]
pub struct ObjectSchema {
    pub name: String,
    pub doc: String,
    pub fields: Vec<Field>,
}

/// Facts about one platform, possibly extended by a schema lock.
#[derive(Clone, Debug)]
pub struct Platform {
    /// `freshdesk`, `freshservice`.
    pub name: String,
    /// `Freshdesk`, `Freshservice`.
    pub display_name: String,
    /// Every REST attribute of a ticket.
    pub ticket: Vec<Field>,
    /// Other REST objects (`conversation`, `contact`, `agent`, `group`, …).
    pub objects: BTreeMap<String, Vec<Field>>,
    pub statuses: Vec<(i64, String)>,
    pub priorities: Vec<(i64, String)>,
    pub sources: Vec<(i64, String)>,
    pub ticket_types: Vec<String>,
    pub search: Vec<SearchField>,
    /// Ticket attributes that exist but cannot be searched.
    pub unsearchable: Vec<String>,
    /// `cf_` on Freshdesk: custom fields' API names carry it.
    pub custom_prefix: Option<String>,
    /// Custom fields known from a schema lock (`None` without a lock: they are `Any`).
    pub custom_fields: Option<Vec<CustomFieldFact>>,
    /// Whether a schema lock supplied instance facts (custom statuses, ticket types).
    pub locked: bool,
}

/// A custom field as the instance defines it.
#[derive(Clone, Debug)]
pub struct CustomFieldFact {
    pub name: String,
    pub label: String,
    pub ty: Type,
    pub kind: FieldKind,
    pub choices: Option<Vec<String>>,
}

impl Platform {
    pub fn status_names(&self) -> Vec<&str> {
        self.statuses.iter().map(|(_, name)| name.as_str()).collect()
    }

    pub fn priority_names(&self) -> Vec<&str> {
        self.priorities.iter().map(|(_, name)| name.as_str()).collect()
    }

    pub fn ticket_field(&self, name: &str) -> Option<&Field> {
        self.ticket.iter().find(|f| f.name == name)
    }

    /// What a trigger query (or the platform's search) may name on this platform: the
    /// built-in search fields with the status codes of this instance, and the custom fields
    /// of a schema lock. [`SearchFacts::fields`] hands them to [`crate::query::compile`].
    pub fn search_facts(&self) -> SearchFacts<'_> {
        let custom = self.custom_fields.as_ref().map(|fields| {
            fields
                .iter()
                .map(|f| SearchField {
                    name: f.name.clone(),
                    kind: f.kind.clone(),
                    codes: None,
                    ticket_attribute: format!("custom_fields.{}", f.name),
                })
                .collect()
        });
        // The status codes a query may use include the custom statuses of a schema lock.
        let search = self
            .search
            .iter()
            .map(|field| {
                let mut field = field.clone();
                if field.ticket_attribute == "status" && field.codes.is_some() {
                    field.codes = Some(self.statuses.clone());
                }
                field
            })
            .collect();
        SearchFacts {
            platform: self,
            search,
            unsearchable: self.unsearchable.iter().map(String::as_str).collect(),
            custom,
        }
    }

    /// The platform with a schema lock's instance facts applied.
    pub fn with_lock(&self, lock: &SchemaLock) -> Platform {
        let mut platform = self.clone();
        lock.apply(&mut platform);
        platform
    }
}

/// The search fields of one platform, owned so that [`QueryFields`] can borrow them.
#[derive(Clone, Debug)]
pub struct SearchFacts<'p> {
    platform: &'p Platform,
    search: Vec<SearchField>,
    unsearchable: Vec<&'p str>,
    custom: Option<Vec<SearchField>>,
}

impl SearchFacts<'_> {
    pub fn fields(&self) -> QueryFields<'_> {
        QueryFields {
            platform_name: &self.platform.display_name,
            fields: &self.search,
            unsearchable: &self.unsearchable,
            custom_fields: self.custom.as_deref(),
            custom_prefix: self.platform.custom_prefix.as_deref(),
        }
    }
}

/// Everything the checker knows about the world outside the script.
#[derive(Debug)]
pub struct Schema {
    pub platforms: Vec<Platform>,
    /// The Exalate-style names on the ticket (`summary`, `status`, `comments`, …).
    pub entity_view: Vec<Field>,
    pub replica: Vec<Field>,
    pub objects: BTreeMap<String, ObjectSchema>,
    pub helpers: BTreeMap<String, Helper>,
}

impl Schema {
    pub fn platform(&self, name: &str) -> Option<&Platform> {
        self.platforms.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }

    pub fn platform_names(&self) -> Vec<&str> {
        self.platforms.iter().map(|p| p.name.as_str()).collect()
    }

    pub fn object_field(&self, object: &str, field: &str) -> Option<&Field> {
        self.objects.get(object)?.fields.iter().find(|f| f.name == field)
    }

    pub fn replica_field(&self, name: &str) -> Option<&Field> {
        self.replica.iter().find(|f| f.name == name)
    }

    pub fn entity_view_field(&self, name: &str) -> Option<&Field> {
        self.entity_view.iter().find(|f| f.name == name)
    }

    pub fn helper(&self, name: &str) -> Option<&Helper> {
        self.helpers.get(name)
    }
}

/// The schema built into Replica.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        load(
            include_str!("../schemas/common.json"),
            &[include_str!("../schemas/freshdesk.json"), include_str!("../schemas/freshservice.json")],
        )
        .expect("the built-in schema data is valid (tested)")
    })
}

// ------------------------------------------------------------------ data files

#[derive(Deserialize)]
struct RawField {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    nullable: bool,
    #[serde(default)]
    read_only: bool,
    #[serde(default)]
    write_only: bool,
    #[serde(default)]
    codes: Option<Vec<(i64, String)>>,
    #[serde(default)]
    choices: Option<Vec<String>>,
    #[serde(default)]
    rest: Option<String>,
    #[serde(default)]
    doc: String,
}

impl From<RawField> for Field {
    fn from(raw: RawField) -> Field {
        let ty = Type::parse(&raw.ty);
        Field {
            name: raw.name,
            ty: if raw.nullable { ty.nullable() } else { ty },
            nullable: raw.nullable,
            read_only: raw.read_only,
            write_only: raw.write_only,
            codes: raw.codes,
            choices: raw.choices,
            rest: raw.rest,
            doc: raw.doc,
        }
    }
}

#[derive(Deserialize)]
struct RawParam {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    optional: bool,
}

#[derive(Deserialize)]
struct RawMethod {
    name: String,
    params: Vec<RawParam>,
    returns: String,
    #[serde(default)]
    check: Option<String>,
    doc: String,
    example: String,
}

#[derive(Deserialize)]
struct RawHelper {
    doc: String,
    methods: Vec<RawMethod>,
}

#[derive(Deserialize)]
struct RawObject {
    doc: String,
    fields: Vec<RawField>,
}

#[derive(Deserialize)]
struct RawCommon {
    entity_view: Vec<RawField>,
    replica: Vec<RawField>,
    objects: BTreeMap<String, RawObject>,
    helpers: BTreeMap<String, RawHelper>,
}

#[derive(Deserialize)]
struct RawSearchField {
    name: String,
    kind: String,
    attribute: String,
    #[serde(default)]
    codes: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawSearch {
    fields: Vec<RawSearchField>,
    unsearchable: Vec<String>,
    custom_prefix: Option<String>,
}

#[derive(Deserialize)]
struct RawPlatform {
    name: String,
    display_name: String,
    ticket: Vec<RawField>,
    objects: BTreeMap<String, Vec<RawField>>,
    statuses: Vec<(i64, String)>,
    priorities: Vec<(i64, String)>,
    ticket_types: Vec<String>,
    search: RawSearch,
}

pub(crate) fn field_kind(kind: &str) -> Result<FieldKind, String> {
    Ok(match kind {
        "integer" => FieldKind::Integer,
        "number" => FieldKind::Number,
        "string" => FieldKind::String,
        "boolean" => FieldKind::Boolean,
        "date" => FieldKind::Date,
        "datetime" => FieldKind::DateTime,
        other => return Err(format!("unknown search field kind `{other}`")),
    })
}

/// Builds the schema from the data files' text.
pub fn load(common: &str, platforms: &[&str]) -> Result<Schema, String> {
    let common: RawCommon = serde_json::from_str(common).map_err(|e| format!("common.json: {e}"))?;
    let mut loaded = Vec::new();
    for text in platforms {
        let raw: RawPlatform = serde_json::from_str(text).map_err(|e| format!("platform data: {e}"))?;
        let ticket: Vec<Field> = raw.ticket.into_iter().map(Field::from).collect();
        let sources =
            ticket.iter().find(|f| f.name == "source").and_then(|f| f.codes.clone()).unwrap_or_default();
        let mut search = Vec::new();
        for field in raw.search.fields {
            let codes = match field.codes {
                None => None,
                Some(serde_json::Value::String(list)) if list == "statuses" => Some(raw.statuses.clone()),
                Some(serde_json::Value::String(list)) if list == "priorities" => Some(raw.priorities.clone()),
                Some(value) => Some(
                    serde_json::from_value::<Vec<(i64, String)>>(value)
                        .map_err(|e| format!("{}: search field {}: {e}", raw.name, field.name))?,
                ),
            };
            search.push(SearchField {
                name: field.name,
                kind: field_kind(&field.kind)?,
                codes,
                ticket_attribute: field.attribute,
            });
        }
        loaded.push(Platform {
            name: raw.name,
            display_name: raw.display_name,
            ticket,
            objects: raw
                .objects
                .into_iter()
                .map(|(name, fields)| (name, fields.into_iter().map(Field::from).collect()))
                .collect(),
            statuses: raw.statuses,
            priorities: raw.priorities,
            sources,
            ticket_types: raw.ticket_types,
            search,
            unsearchable: raw.search.unsearchable,
            custom_prefix: raw.search.custom_prefix,
            custom_fields: None,
            locked: false,
        });
    }
    let helpers = common
        .helpers
        .into_iter()
        .map(|(name, raw)| {
            let methods = raw
                .methods
                .into_iter()
                .map(|m| {
                    let check = match m.check.as_deref() {
                        None => None,
                        Some("status_name") => Some(NameCheck::Status),
                        Some("priority_name") => Some(NameCheck::Priority),
                        Some(other) => return Err(format!("{name}.{}: unknown check `{other}`", m.name)),
                    };
                    Ok(Method {
                        name: m.name,
                        params: m
                            .params
                            .into_iter()
                            .map(|p| Param { name: p.name, ty: Type::parse(&p.ty), optional: p.optional })
                            .collect(),
                        returns: Type::parse(&m.returns),
                        check,
                        doc: m.doc,
                        example: m.example,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok((name.clone(), Helper { name, doc: raw.doc, methods }))
        })
        .collect::<Result<BTreeMap<_, _>, String>>()?;
    Ok(Schema {
        platforms: loaded,
        entity_view: common.entity_view.into_iter().map(Field::from).collect(),
        replica: common.replica.into_iter().map(Field::from).collect(),
        objects: common
            .objects
            .into_iter()
            .map(|(name, raw)| {
                let object = ObjectSchema {
                    name: name.clone(),
                    doc: raw.doc,
                    fields: raw.fields.into_iter().map(Field::from).collect(),
                };
                (name, object)
            })
            .collect(),
        helpers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_schema_loads_with_both_platforms() {
        let schema = schema();
        assert_eq!(schema.platform_names(), ["freshdesk", "freshservice"]);
        let freshdesk = schema.platform("freshdesk").unwrap();
        assert!(freshdesk.ticket_field("created_at").unwrap().read_only);
        assert_eq!(freshdesk.status_names()[5], "Waiting on Third Party");
        assert!(freshdesk
            .search
            .iter()
            .any(|f| f.name == "agent_id" && f.ticket_attribute == "responder_id"));
        let freshservice = schema.platform("freshservice").unwrap();
        assert_eq!(freshservice.ticket_types, ["Incident", "Service Request"]);
        assert!(freshservice.ticket_field("urgency").unwrap().codes.is_some());
    }

    #[test]
    fn every_type_in_the_data_names_something_known() {
        let schema = schema();
        let mut types: Vec<&Type> = Vec::new();
        types.extend(schema.entity_view.iter().map(|f| &f.ty));
        types.extend(schema.replica.iter().map(|f| &f.ty));
        for object in schema.objects.values() {
            types.extend(object.fields.iter().map(|f| &f.ty));
        }
        for helper in schema.helpers.values() {
            for method in &helper.methods {
                types.push(&method.returns);
                types.extend(method.params.iter().map(|p| &p.ty));
            }
        }
        for ty in types {
            let mut stack = vec![ty];
            while let Some(ty) = stack.pop() {
                match ty {
                    Type::Object(name) => assert!(schema.objects.contains_key(name), "unknown type `{name}`"),
                    Type::Nullable(inner) | Type::List(inner) => stack.push(inner),
                    Type::Map(key, value) => {
                        stack.push(key);
                        stack.push(value);
                    }
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn helper_methods_have_docs_and_examples() {
        for helper in schema().helpers.values() {
            for method in &helper.methods {
                assert!(!method.doc.is_empty(), "{}.{} has no doc", helper.name, method.name);
                assert!(
                    method.example.contains(&method.name),
                    "{}.{}: example does not use it",
                    helper.name,
                    method.name
                );
            }
        }
    }
}
