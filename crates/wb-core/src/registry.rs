//! The `_type` registry: `type_mapping()` and `init_from_json` of the SDK.

use crate::artifact::ArtifactSource;
use crate::error::Result;
use crate::json::Value;
use crate::value::WbValue;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Builds a value from its artifact JSON; gets the registry to decode nested values.
pub type Decoder = fn(&Value, &dyn ArtifactSource, &Registry) -> Result<Arc<dyn WbValue>>;

/// Maps each `_log_type` to its decoder. Each family crate has a `register(&mut Registry)`;
/// `wb_types::registry()` returns one with every enabled family.
#[derive(Clone, Default)]
pub struct Registry {
    decoders: BTreeMap<&'static str, Decoder>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.decoders.keys()).finish()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// This registry with wb-core's own types added (histogram, html-file, plotly-file):
    /// `Registry::new().with_core()`.
    pub fn with_core(mut self) -> Self {
        crate::register(&mut self);
        self
    }

    /// Registers (or replaces: the last registration wins, as in the SDK) a decoder.
    pub fn register(&mut self, log_type: &'static str, decoder: Decoder) {
        self.decoders.insert(log_type, decoder);
    }

    /// The registered `_type` names, sorted.
    pub fn types(&self) -> Vec<&'static str> {
        self.decoders.keys().copied().collect()
    }

    /// Decodes a value's artifact JSON (the SDK's `WBValue.init_from_json`), reading the
    /// files it names from `source`: `Ok(None)` when `json` has no `_type` or one not
    /// registered; otherwise the value, or an error saying what in the JSON was wrong.
    pub fn decode(
        &self,
        json: &Value,
        source: &dyn ArtifactSource,
    ) -> Result<Option<Arc<dyn WbValue>>> {
        let Some(tag) = json.type_tag() else {
            return Ok(None);
        };
        match self.decoders.get(tag) {
            Some(decode) => decode(json, source, self).map(Some),
            None => Ok(None),
        }
    }
}
