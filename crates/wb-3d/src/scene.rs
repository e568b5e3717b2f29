//! Point-cloud scenes (`lidar/beta`): [`Box3D`], [`box3d`], [`Vector3D`] and the numbers they
//! hold ([`Num`]).

use wb_core::json::Map;
use wb_core::{Error, Result, Value};

/// A number as the user gave it: integers stay integers in the JSON (`255`), floats stay floats
/// (`255.0`), as Python keeps `int` and `float` apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
}

impl Num {
    /// The value as `f64`.
    pub fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

impl From<Num> for Value {
    fn from(n: Num) -> Self {
        match n {
            Num::Int(i) => Value::from(i),
            Num::Float(f) => Value::Float(f),
        }
    }
}

macro_rules! num_from {
    (int: $($t:ty),*) => {$(
        impl From<$t> for Num {
            fn from(v: $t) -> Self { Num::Int(i64::from(v)) }
        }
    )*};
}
num_from!(int: i8, i16, i32, i64, u8, u16, u32);
impl From<f64> for Num {
    fn from(v: f64) -> Self {
        Num::Float(v)
    }
}
impl From<f32> for Num {
    /// Widened exactly, as numpy does.
    fn from(v: f32) -> Self {
        Num::Float(f64::from(v))
    }
}

/// Three numbers: an RGB colour or a point (`[255, 0, 0]`, `[0.5, 0.5, 0.5]`).
pub type Triple = [Num; 3];

/// Makes a [`Triple`] from any three numbers: `triple(255, 0, 0)`, `triple(0.5, 0.2, 1.0)`.
pub fn triple(a: impl Into<Num>, b: impl Into<Num>, c: impl Into<Num>) -> Triple {
    [a.into(), b.into(), c.into()]
}

/// A JSON number as a [`Num`] (integers stay integers).
fn num_of(v: &Value) -> Option<Num> {
    match v {
        Value::Int(i) => i64::try_from(*i).ok().map(Num::Int),
        Value::Float(f) => Some(Num::Float(*f)),
        _ => None,
    }
}

/// Three JSON numbers as a [`Triple`].
fn triple_of(v: &Value) -> Option<Triple> {
    match v.as_array()? {
        [a, b, c] => Some([num_of(a)?, num_of(b)?, num_of(c)?]),
        _ => None,
    }
}

fn triple_value(t: &Triple) -> Value {
    Value::Array(t.iter().map(|n| Value::from(*n)).collect())
}

/// A 3-D bounding box of a point-cloud scene: its eight corners, colour, optional label and
/// score. Made by [`box3d`] from a center, size and orientation, or from corners directly.
///
/// A box can also be the SDK's plain dict ([`Box3D::from_json`]): `{"corners": [...],
/// "color": [...]}` with an optional `label` and `score`, any number of corners (none too),
/// written back exactly as given.
///
/// # Differences from the SDK
/// The SDK writes whatever a box dict holds; [`Box3D::from_json`] refuses a dict without
/// `corners` (a list of `[x, y, z]`) or `color` (3 numbers), or with a `label` that is not a
/// string or a `score` that is not a number, which no viewer could draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Box3D {
    corners: Vec<[f64; 3]>,
    color: Triple,
    label: Option<String>,
    score: Option<Num>,
    /// The dict it was made from ([`Box3D::from_json`]), written as it is.
    json: Option<Value>,
}

impl Box3D {
    /// A box from its eight corners.
    pub fn from_corners(corners: [[f64; 3]; 8], color: Triple) -> Self {
        Box3D {
            corners: corners.to_vec(),
            color,
            label: None,
            score: None,
            json: None,
        }
    }

    /// A box from the SDK's plain dict (see [`Box3D`]): `corners` (a list of `[x, y, z]`, of
    /// any length), `color` (3 numbers), optional `label` (a string) and `score` (a number);
    /// written back exactly as given (its keys, their order, integers and floats).
    ///
    /// ```
    /// use wb_3d::Box3D;
    /// let b = Box3D::from_json(&wb_core::json::parse(r#"{"corners": [], "color": [255, 0, 0]}"#)?)?;
    /// assert!(b.corners().is_empty() && b.label().is_none());
    /// # Ok::<(), wb_core::Error>(())
    /// ```
    pub fn from_json(json: &Value) -> Result<Self> {
        let bad = |why: &str| Error::value(format!("a 3-D box dict {why}"));
        let m = json
            .as_object()
            .ok_or_else(|| bad("must be a JSON object ({\"corners\": [...], \"color\": [...]})"))?;
        let corners = m
            .get("corners")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("needs `corners`, a list of [x, y, z]"))?
            .iter()
            .map(|c| {
                let xyz: Option<Vec<f64>> = c
                    .as_array()
                    .and_then(|c| c.iter().map(Value::as_f64).collect::<Option<Vec<_>>>());
                match xyz.as_deref() {
                    Some(&[x, y, z]) => Ok([x, y, z]),
                    _ => Err(bad("has a corner that is not [x, y, z]")),
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let color = m
            .get("color")
            .and_then(triple_of)
            .ok_or_else(|| bad("needs `color`, 3 numbers"))?;
        let label = match m.get("label") {
            None | Some(Value::Null) => None,
            Some(Value::Str(s)) => Some(s.clone()),
            Some(_) => return Err(bad("has a `label` that is not a string")),
        };
        let score = match m.get("score") {
            None | Some(Value::Null) => None,
            Some(v) => Some(num_of(v).ok_or_else(|| bad("has a `score` that is not a number"))?),
        };
        Ok(Box3D {
            corners,
            color,
            label,
            score,
            json: Some(json.clone()),
        })
    }

    /// Sets the label.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the score (for example a detection's confidence).
    #[must_use]
    pub fn with_score(mut self, score: impl Into<Num>) -> Self {
        self.score = Some(score.into());
        self
    }

    /// The corners: eight, in the order [`box3d`] produces them, or those of a dict.
    pub fn corners(&self) -> &[[f64; 3]] {
        &self.corners
    }

    /// The colour (written as given: integers or floats).
    pub fn color(&self) -> Triple {
        self.color
    }

    /// The label, if any.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The score, if any.
    pub fn score(&self) -> Option<Num> {
        self.score
    }

    /// The JSON the SDK writes for the box: `{"corners", "color", "label", "score"}`, with
    /// `null` for a missing label or score.
    pub fn to_value(&self) -> Value {
        if let Some(json) = &self.json {
            return json.clone();
        }
        let corners = self
            .corners
            .iter()
            .map(|c| Value::Array(c.iter().map(|x| Value::Float(*x)).collect()))
            .collect();
        let mut m = Map::new();
        m.insert("corners".into(), Value::Array(corners));
        m.insert("color".into(), triple_value(&self.color));
        m.insert("label".into(), self.label.clone().into());
        m.insert("score".into(), self.score.map(Value::from).into());
        Value::Object(m)
    }
}

/// An arrow drawn in a point-cloud scene, from `start` to `end`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector3D {
    start: Triple,
    end: Triple,
}

impl Vector3D {
    /// A vector from `start` to `end`.
    pub fn new(start: Triple, end: Triple) -> Self {
        Vector3D { start, end }
    }

    /// A vector from the SDK's dict `{"start": [x, y, z], "end": [x, y, z]}` (numbers kept as
    /// integers or floats); other keys are refused.
    pub fn from_json(json: &Value) -> Result<Self> {
        let bad = || Error::value("a 3-D vector is {\"start\": [x, y, z], \"end\": [x, y, z]}");
        let m = json.as_object().ok_or_else(bad)?;
        if m.keys().any(|k| k != "start" && k != "end") {
            return Err(bad());
        }
        let start = m.get("start").and_then(triple_of).ok_or_else(bad)?;
        let end = m.get("end").and_then(triple_of).ok_or_else(bad)?;
        Ok(Vector3D { start, end })
    }

    /// Where the arrow starts.
    pub fn start(&self) -> Triple {
        self.start
    }

    /// Where it ends.
    pub fn end(&self) -> Triple {
        self.end
    }

    /// `{"start": [...], "end": [...]}`.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("start".into(), triple_value(&self.start));
        m.insert("end".into(), triple_value(&self.end));
        Value::Object(m)
    }
}

/// The unit quaternion the SDK uses for `q`: absolute values, divided by the largest, then by
/// the Euclidean norm. The signs are dropped (as in the SDK). A zero quaternion is an error.
fn normalize_quaternion(q: [f64; 4]) -> Result<[f64; 4]> {
    let a = q.map(f64::abs);
    // numpy's argmax: the first index of the maximum; NaN counts as the maximum.
    let mut arg = 0;
    for i in 1..4 {
        if a[i] > a[arg] || (a[i].is_nan() && !a[arg].is_nan()) {
            arg = i;
        }
    }
    if a[arg] == 0.0 {
        return Err(Error::value(
            "Unexpected zero quaternion. The orientation must be a non-zero quaternion [r, i, j, k].",
        ));
    }
    let m = a[arg];
    let s = a.map(|x| x / m);
    // `np.linalg.norm` runs through BLAS `ddot`, which accumulates with fused multiply-adds;
    // doing the same gives the SDK's values bit for bit.
    let sq = s[3].mul_add(s[3], s[2].mul_add(s[2], s[1].mul_add(s[1], s[0] * s[0])));
    let norm = sq.sqrt();
    Ok(s.map(|x| x / norm))
}

/// The rotation matrix `R` of a non-zero quaternion, for row vectors (`p @ R`).
fn rotation(q: [f64; 4]) -> Result<[[f64; 3]; 3]> {
    let [r, i, j, k] = normalize_quaternion(q)?;
    let (ii, jj, kk) = (i * i, j * j, k * k);
    let (ij, ik, jk) = (i * j, i * k, j * k);
    let (ir, jr, kr) = (i * r, j * r, k * r);
    Ok([
        [1.0 - 2.0 * (jj + kk), 2.0 * (ij + kr), 2.0 * (ik - jr)],
        [2.0 * (ij - kr), 1.0 - 2.0 * (ii + kk), 2.0 * (jk + ir)],
        [2.0 * (ik + jr), 2.0 * (jk - ir), 1.0 - 2.0 * (ii + jj)],
    ])
}

/// `wandb.box3d`: a box from its `center`, `size` (X, Y, Z extents) and `orientation`, the
/// quaternion `[r, i, j, k]` rotating global coordinates into the box's. The eight corners are
/// `center + (size / 2 * u) @ R` for `u` in `(-1, -1, -1), (-1, -1, 1), (-1, 1, -1), ...,
/// (1, 1, 1)`, with the SDK's normalization of the quaternion (absolute values, divided by the
/// largest, then by the norm: so, as in the SDK, the signs of its components do not matter).
///
/// Errors: a zero quaternion (`Unexpected zero quaternion.`).
///
/// ```
/// use wb_3d::{box3d, triple};
/// let b = box3d([0.0, 0.0, 0.0], [2.0, 2.0, 2.0], [1.0, 0.0, 0.0, 0.0], triple(255, 0, 0))
///     .unwrap()
///     .with_label("car")
///     .with_score(0.9);
/// assert_eq!(b.corners()[0], [-1.0, -1.0, -1.0]);
/// assert_eq!(b.corners()[7], [1.0, 1.0, 1.0]);
/// assert_eq!(b.label(), Some("car"));
/// ```
pub fn box3d(
    center: [f64; 3],
    size: [f64; 3],
    orientation: [f64; 4],
    color: Triple,
) -> Result<Box3D> {
    let rot = rotation(orientation)?;
    let mut corners = [[0.0; 3]; 8];
    for (n, corner) in corners.iter_mut().enumerate() {
        let u = [(n >> 2) & 1, (n >> 1) & 1, n & 1].map(|b| if b == 1 { 1.0 } else { -1.0 });
        let p = [0, 1, 2].map(|d| 0.5 * size[d] * u[d]);
        for (c, out) in corner.iter_mut().enumerate() {
            // numpy's matmul runs through BLAS, which accumulates with fused multiply-adds.
            let dot = p[2].mul_add(rot[2][c], p[1].mul_add(rot[1][c], p[0] * rot[0][c]));
            *out = center[c] + dot;
        }
    }
    Ok(Box3D::from_corners(corners, color))
}
