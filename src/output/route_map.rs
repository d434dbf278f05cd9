//! The route network of a scenario as an SVG picture (`crossroads map`), drawn from the
//! scenario's own `[[location]]`, `[[leg]]` and `[[route]]` entries so that a figure of the
//! network cannot drift from the data.
//!
//! Locations are labelled boxes coloured by kind; legs are arrows coloured and dashed by mode
//! (Okabe-Ito colours, readable without colour through the dash pattern), thick when not legal,
//! grey when no route uses them, and labelled with their hazards per crossing when any is above
//! zero. A legend explains the styles; the SVG carries a `<title>` and a `<desc>` that lists
//! every location, leg and route in words.
//!
//! The layout is layered, left to right, and deterministic (no randomness, no hash order):
//!
//! 1. legs that close a cycle are turned around for the layout only (depth-first from the
//!    capitals, then from the other locations in file order);
//! 2. each location's column is the number of legs of the longest way to it from a location no
//!    leg enters (the capital, a border crossing); destinations where no leg starts share the
//!    last column, on the right;
//! 3. a leg's hazard label is an element of its own, in the gap between columns nearest the
//!    middle of the leg; a gap that holds labels becomes a layer between its two columns;
//! 4. a leg that spans several layers passes each layer between through a bend point, shared by
//!    the unlabelled legs of one start and style (one trunk that forks). Within a layer every
//!    line runs straight across and curves only between layers, so no leg crosses a box or a
//!    label other than its own;
//! 5. rows: the elements of each layer are ordered to reduce crossings (barycentre sweeps, the
//!    order with the fewest crossings kept, ties by file order), placed as near as their order
//!    and spacing allow to the mean height of what they link to, and each run of bend points is
//!    straightened where every layer it crosses has room;
//! 6. across: a layer is as wide as its widest element; the room between two layers grows with
//!    the steepest curve between them, and all of it stretches to fill the picture's width.

use crate::scenario::{Channel, LocationKind, Mode, Scenario};
use anyhow::{Result, anyhow};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// The smallest picture; a network that needs more room makes it larger.
pub const MIN_WIDTH: f64 = 1200.0;
pub const MIN_HEIGHT: f64 = 700.0;

/// Marks a file as a route map this program wrote (the start of the file): `map` replaces no
/// other file.
const ROOT_ID: &str = "crossroads-route-map";

const MARGIN: f64 = 30.0;
/// Height of the title block above the network.
const HEAD_H: f64 = 84.0;
/// Height of the legend below the network.
const LEGEND_H: f64 = 92.0;

/// Font sizes in pixels.
const NODE_FONT: f64 = 13.0;
const LABEL_FONT: f64 = 11.0;
const NODE_PAD_X: f64 = 10.0;
const NODE_MIN_H: f64 = 26.0;
/// Vertical gap between two location boxes, a box and a bend point, two bend points.
const GAP_BOXES: f64 = 14.0;
const GAP_MIXED: f64 = 9.0;
const GAP_BENDS: f64 = 10.0;
/// Horizontal room for the curves between two columns, and between a column and a layer of
/// labels; stretched up to `MAX_STRETCH` times to fill the picture's width.
const COL_GAP: f64 = 80.0;
const SIDE_GAP: f64 = 28.0;
const MAX_STRETCH: f64 = 3.0;
/// Room for a curve per unit of height it climbs, up to a bound.
const STEEP_GAP: f64 = 0.4;
const MAX_STEEP_GAP: f64 = 140.0;
/// Space above a box for a leg that starts and ends there.
const LOOP_H: f64 = 14.0;
/// Spacing of the ends of several legs on one side of a box.
const PORT_STEP: f64 = 6.0;
const ARROW_LEN: f64 = 10.0;
const ORDER_SWEEPS: usize = 24;
const PLACE_SWEEPS: usize = 60;

/// The hazards of a leg per crossing, as the labels name them.
pub const HAZARDS: [&str; 6] = [
    "death",
    "held",
    "intercepted",
    "refused entry",
    "no job",
    "sexual violence (women)",
];

/// A location.
#[derive(Clone, Debug)]
pub struct Place {
    pub id: String,
    pub kind: LocationKind,
}

/// A leg, between two locations (indices into [`Network::places`]).
#[derive(Clone, Debug)]
pub struct Link {
    pub id: String,
    pub from: usize,
    pub to: usize,
    pub mode: Mode,
    pub legal: bool,
    /// Per crossing, in the order of [`HAZARDS`]: death, held (for ransom or in detention),
    /// intercepted (sent back), refused entry (sent back), no job or passage beyond it (left at
    /// its start), sexual violence against women.
    pub hazards: [f64; 6],
    /// How many routes use it.
    pub routes: usize,
}

/// A route, for the text description: id, channel, and the locations it passes in order.
#[derive(Clone, Debug)]
pub struct RouteLine {
    pub id: String,
    pub channel: &'static str,
    pub places: Vec<String>,
}

/// What the picture shows.
#[derive(Clone, Debug)]
pub struct Network {
    pub name: String,
    pub places: Vec<Place>,
    pub links: Vec<Link>,
    pub routes: Vec<RouteLine>,
    /// Events of the scenario that change a leg or a location later on.
    pub later_changes: usize,
}

impl Network {
    /// The network of a loaded (and so validated) scenario, as its file states it before any
    /// event. A leg whose ends are not locations (impossible after validation) is left out.
    pub fn from_scenario(s: &Scenario) -> Network {
        let index: BTreeMap<&str, usize> = s
            .locations
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.as_str(), i))
            .collect();
        let places = s
            .locations
            .iter()
            .map(|l| Place {
                id: l.id.clone(),
                kind: l.kind,
            })
            .collect();
        let links = s
            .legs
            .iter()
            .filter_map(|l| {
                Some(Link {
                    id: l.id.clone(),
                    from: *index.get(l.from.as_str())?,
                    to: *index.get(l.to.as_str())?,
                    mode: l.mode,
                    legal: l.legal,
                    hazards: [
                        l.p_death,
                        l.p_detention,
                        l.p_interception,
                        l.p_entry_denied,
                        l.p_stranded,
                        l.p_sexual_violence,
                    ],
                    routes: s.routes.iter().filter(|r| r.legs.contains(&l.id)).count(),
                })
            })
            .collect();
        let routes = s
            .routes
            .iter()
            .map(|r| {
                let mut places: Vec<String> = Vec::new();
                for leg in &r.legs {
                    if let Some(l) = s.legs.iter().find(|l| &l.id == leg) {
                        if places.is_empty() {
                            places.push(l.from.clone());
                        }
                        places.push(l.to.clone());
                    }
                }
                RouteLine {
                    id: r.id.clone(),
                    channel: channel_name(r.channel),
                    places,
                }
            })
            .collect();
        let later_changes = s
            .events
            .iter()
            .filter(|e| {
                e.set
                    .keys()
                    .any(|k| k.starts_with("leg.") || k.starts_with("location."))
            })
            .count();
        Network {
            name: s.name.clone(),
            places,
            links,
            routes,
            later_changes,
        }
    }
}

fn channel_name(c: Channel) -> &'static str {
    match c {
        Channel::Regular => "regular",
        Channel::VisaFraud => "visa_fraud",
        Channel::Irregular => "irregular",
        Channel::CrossBorder => "cross_border",
    }
}

fn kind_name(k: LocationKind) -> &'static str {
    match k {
        LocationKind::Capital => "capital",
        LocationKind::Border => "border",
        LocationKind::Hub => "hub",
        LocationKind::Destination => "destination",
    }
}

fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::Air => "air",
        Mode::Land => "land",
        Mode::Sea => "sea",
    }
}

/// A percentage as a label shows it: `1%`, `0.5%`, `33%`, `1.2%`.
pub fn percent(p: f64) -> String {
    let v = p * 100.0;
    let s = if v >= 10.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "0" && p > 0.0 {
        "<0.01%".into()
    } else {
        format!("{s}%")
    }
}

/// The lines of a leg's hazard label (none when every hazard is zero).
pub fn hazard_lines(l: &Link) -> Vec<String> {
    HAZARDS
        .iter()
        .zip(l.hazards)
        .filter(|(_, p)| *p > 0.0)
        .map(|(name, p)| format!("{name} {}", percent(p)))
        .collect()
}

/// Estimated width of a line of sans-serif text (the SVG leaves the font to the viewer, so this
/// errs on the wide side).
fn text_width(s: &str, px: f64) -> f64 {
    s.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '|' | '!' | '\'' | ' ' => 0.34,
            'm' | 'w' | '%' => 0.92,
            c if c.is_ascii_uppercase() => 0.74,
            _ => 0.62,
        })
        .sum::<f64>()
        * px
}

/// An axis-aligned rectangle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    fn centred(cx: f64, cy: f64, w: f64, h: f64) -> Rect {
        Rect {
            x0: cx - w / 2.0,
            y0: cy - h / 2.0,
            x1: cx + w / 2.0,
            y1: cy + h / 2.0,
        }
    }

    /// Whether the two share any interior point.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    fn translated(&self, dx: f64, dy: f64) -> Rect {
        Rect {
            x0: self.x0 + dx,
            y0: self.y0 + dy,
            x1: self.x1 + dx,
            y1: self.y1 + dy,
        }
    }

    /// Whether the segment `a`-`b` passes through the interior (Liang-Barsky clipping).
    pub fn hit_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let mut t0 = 0.0f64;
        let mut t1 = 1.0f64;
        for (p, q) in [
            (-dx, a.0 - self.x0),
            (dx, self.x1 - a.0),
            (-dy, a.1 - self.y0),
            (dy, self.y1 - a.1),
        ] {
            if p == 0.0 {
                if q <= 0.0 {
                    return false;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
        t1 - t0 > 1e-9
    }
}

/// Where everything goes, in the network's own coordinates (from 0,0 to `width`,`height`).
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// Per location: its column (0 on the left) and its box.
    pub column: Vec<usize>,
    pub boxes: Vec<Rect>,
    /// Per leg: the line drawn for it, from where it leaves its start to the tip of its arrow.
    pub paths: Vec<Vec<(f64, f64)>>,
    /// Per leg: the box of its hazard label, if it has one.
    pub labels: Vec<Option<Rect>>,
}

/// A port of a box: the end of one or more legs on one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PortKey {
    /// Leaving by the right towards this element (legs sharing a trunk share the port).
    Towards(usize),
    /// This leg's own end.
    Leg(usize),
}

/// Lay the network out; the columns spread to make it at least `min_width` wide.
pub fn layout(net: &Network, min_width: f64) -> Layout {
    let n = net.places.len();
    let links = &net.links;
    // 1. Legs that close a cycle, turned around for the layout.
    let back = back_edges(net);
    let ends = |i: usize| {
        let l = &links[i];
        if back[i] {
            (l.to, l.from)
        } else {
            (l.from, l.to)
        }
    };
    let looped: Vec<usize> = (0..links.len())
        .filter(|&i| links[i].from == links[i].to)
        .collect();
    let dag: Vec<usize> = (0..links.len())
        .filter(|&i| links[i].from != links[i].to)
        .collect();

    // 2. Columns: the longest way in (Kahn's order by index), then the destinations where no
    // leg starts on the right.
    let mut indeg = vec![0usize; n];
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &i in &dag {
        let (u, v) = ends(i);
        indeg[v] += 1;
        succ[u].push(v);
    }
    let mut column = vec![0usize; n];
    let mut ready: BTreeSet<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    while let Some(u) = ready.pop_first() {
        for &v in &succ[u] {
            column[v] = column[v].max(column[u] + 1);
            indeg[v] -= 1;
            if indeg[v] == 0 {
                ready.insert(v);
            }
        }
    }
    let leaves: Vec<bool> = (0..n)
        .map(|v| {
            net.places[v].kind == LocationKind::Destination
                && !dag.iter().any(|&i| links[i].from == v)
        })
        .collect();
    if leaves.iter().any(|&d| d) {
        let last = (0..n)
            .filter(|&v| !leaves[v])
            .map(|v| column[v] + 1)
            .max()
            .unwrap_or(0);
        for v in 0..n {
            if leaves[v] {
                column[v] = last;
            }
        }
    }
    let columns = column.iter().max().map_or(1, |m| m + 1);

    // Hazard labels: each in the gap between columns nearest the middle of its leg (the later
    // of two); a gap that holds labels becomes a layer of its own.
    let texts: Vec<Vec<String>> = links.iter().map(hazard_lines).collect();
    let mut label_gap: Vec<Option<usize>> = vec![None; links.len()];
    let mut gap_used = vec![false; columns];
    for &i in &dag {
        if texts[i].is_empty() {
            continue;
        }
        let (u, v) = ends(i);
        let g = (column[u] + column[v]) / 2;
        label_gap[i] = Some(g);
        gap_used[g] = true;
    }
    // Layer of each column, and of each gap that holds labels.
    let mut col_layer = vec![0usize; columns];
    let mut gap_layer: Vec<Option<usize>> = vec![None; columns];
    let mut next = 0;
    for k in 0..columns {
        col_layer[k] = next;
        next += 1;
        if gap_used[k] && k + 1 < columns {
            gap_layer[k] = Some(next);
            next += 1;
        }
    }
    let layer_count = next;

    // 3. Elements: locations (0..n), then bend points and labels. A leg is a chain of
    // elements, one per layer from its start to its end. Legs of one start and style share
    // their bend points (a trunk that forks) unless they are turned around or labelled.
    let mut elem_layer: Vec<usize> = column.iter().map(|&k| col_layer[k]).collect();
    let mut elem_kind: Vec<Elem> = vec![Elem::Place; n];
    let mut elem_size: Vec<(f64, f64)> = net
        .places
        .iter()
        .map(|p| (text_width(&p.id, NODE_FONT) + 2.0 * NODE_PAD_X, NODE_MIN_H))
        .collect();
    let mut bends: BTreeMap<(usize, u8, bool, bool, usize), usize> = BTreeMap::new();
    let mut chains: Vec<Vec<usize>> = vec![Vec::new(); links.len()];
    let mut label_elem: Vec<Option<usize>> = vec![None; links.len()];
    for &i in &dag {
        let (u, v) = ends(i);
        let l = &links[i];
        let label_at = label_gap[i].and_then(|g| gap_layer[g]);
        let mut chain = vec![u];
        for j in elem_layer[u] + 1..elem_layer[v] {
            let mut new = |kind: Elem, size: (f64, f64)| {
                elem_layer.push(j);
                elem_kind.push(kind);
                elem_size.push(size);
                elem_layer.len() - 1
            };
            let e = if label_at == Some(j) {
                let e = new(Elem::Label, label_size(&texts[i]));
                label_elem[i] = Some(e);
                e
            } else if back[i] || label_at.is_some() {
                new(Elem::Bend, (0.0, 0.0))
            } else {
                let key = (u, l.mode as u8, l.legal, l.routes > 0, j);
                match bends.get(&key) {
                    Some(&e) => e,
                    None => {
                        let e = new(Elem::Bend, (0.0, 0.0));
                        bends.insert(key, e);
                        e
                    }
                }
            };
            chain.push(e);
        }
        chain.push(v);
        chains[i] = chain;
    }
    let elems = elem_layer.len();
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); elems];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); elems];
    for c in &chains {
        for w in c.windows(2) {
            down[w[0]].push(w[1]);
            up[w[1]].push(w[0]);
        }
    }
    for v in up.iter_mut().chain(down.iter_mut()) {
        v.sort_unstable();
        v.dedup();
    }

    // 4. Rows: order, then heights.
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    for (e, &k) in elem_layer.iter().enumerate() {
        layers[k].push(e);
    }
    order(&mut layers, &up, &down, elems);

    // The ends of legs on each side of a box; a box is tall enough for its ends.
    let mut right: Vec<BTreeMap<PortKey, usize>> = vec![BTreeMap::new(); n];
    let mut left: Vec<BTreeMap<PortKey, usize>> = vec![BTreeMap::new(); n];
    for &i in &dag {
        let c = &chains[i];
        right[c[0]].insert(out_key(&back, i, c), c[1]);
        left[c[c.len() - 1]].insert(PortKey::Leg(i), c[c.len() - 2]);
    }
    let mut has_loop = vec![false; n];
    for &i in &looped {
        has_loop[links[i].from] = true;
    }
    for v in 0..n {
        let ports = right[v].len().max(left[v].len()).max(1);
        elem_size[v].1 = NODE_MIN_H.max(PORT_STEP * (ports - 1) as f64 + 12.0);
    }
    // Extent of an element above and below its centre line, and the gap between neighbours.
    let above = |e: usize| elem_size[e].1 / 2.0 + if e < n && has_loop[e] { LOOP_H } else { 0.0 };
    let below = |e: usize| elem_size[e].1 / 2.0;
    let sep = |a: usize, b: usize| {
        let gap = match (elem_kind[a], elem_kind[b]) {
            (Elem::Place, Elem::Place) => GAP_BOXES,
            (Elem::Bend, Elem::Bend) => GAP_BENDS,
            _ => GAP_MIXED,
        };
        below(a) + gap + above(b)
    };
    let mut y = vec![0.0f64; elems];
    for layer in &layers {
        let mut at = 0.0;
        for (j, &e) in layer.iter().enumerate() {
            if j > 0 {
                at += sep(layer[j - 1], e);
            }
            y[e] = at;
        }
        for &e in layer {
            y[e] -= at / 2.0;
        }
    }
    for sweep in 0..PLACE_SWEEPS {
        let ks: Vec<usize> = if sweep % 2 == 0 {
            (0..layer_count).collect()
        } else {
            (0..layer_count).rev().collect()
        };
        for k in ks {
            let layer = &layers[k];
            let desired: Vec<f64> = layer
                .iter()
                .map(|&e| {
                    let near = up[e].iter().chain(&down[e]);
                    let count = up[e].len() + down[e].len();
                    if count == 0 {
                        y[e]
                    } else {
                        near.map(|&o| y[o]).sum::<f64>() / count as f64
                    }
                })
                .collect();
            let gaps: Vec<f64> = layer.windows(2).map(|w| sep(w[0], w[1])).collect();
            for (&e, v) in layer.iter().zip(spaced(&desired, &gaps)) {
                y[e] = v;
            }
        }
    }
    // Straighten each run of bend points and labels of a leg to one height where every layer
    // it crosses has room there: one curve at each end instead of a step at every layer.
    let mut slot = vec![0usize; elems];
    for layer in &layers {
        for (j, &e) in layer.iter().enumerate() {
            slot[e] = j;
        }
    }
    let mut fixed = vec![false; elems];
    for &i in &dag {
        let c = &chains[i];
        let mut j = 1;
        while j + 1 < c.len() {
            if fixed[c[j]] {
                j += 1;
                continue;
            }
            let mut end = j;
            while end + 2 < c.len() && !fixed[c[end + 1]] {
                end += 1;
            }
            let run = &c[j..=end];
            let mean = |es: &[usize]| es.iter().map(|&o| y[o]).sum::<f64>() / es.len() as f64;
            let want = (mean(&up[run[0]]) + mean(&down[run[run.len() - 1]])) / 2.0;
            let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
            for &e in run {
                let layer = &layers[elem_layer[e]];
                if let Some(&p) = slot[e].checked_sub(1).and_then(|s| layer.get(s)) {
                    lo = lo.max(y[p] + sep(p, e));
                }
                if let Some(&q) = layer.get(slot[e] + 1) {
                    hi = hi.min(y[q] - sep(e, q));
                }
            }
            if lo <= hi {
                let to = want.clamp(lo, hi);
                for &e in run {
                    y[e] = to;
                    fixed[e] = true;
                }
            }
            j = end + 1;
        }
    }
    let top = (0..elems)
        .map(|e| y[e] - above(e))
        .fold(f64::INFINITY, f64::min);
    let bottom = (0..elems)
        .map(|e| y[e] + below(e))
        .fold(f64::NEG_INFINITY, f64::max);
    let (top, bottom) = if top.is_finite() {
        (top, bottom)
    } else {
        (0.0, 0.0)
    };
    for v in y.iter_mut() {
        *v -= top;
    }
    let height = bottom - top;

    // Layers across: each a band as wide as its widest element; between two bands, room for
    // the curves (more between two columns than beside a layer of labels), stretched to fill
    // `min_width`.
    let band: Vec<f64> = layers
        .iter()
        .map(|l| l.iter().map(|&e| elem_size[e].0).fold(0.0, f64::max))
        .collect();
    let is_labels: Vec<bool> = (0..layer_count)
        .map(|k| gap_layer.contains(&Some(k)))
        .collect();
    // The steepest curve between each two layers asks for room in proportion.
    let mut steep = vec![0.0f64; layer_count];
    for c in &chains {
        for w in c.windows(2) {
            let k = elem_layer[w[1]];
            steep[k] = steep[k].max((y[w[1]] - y[w[0]]).abs());
        }
    }
    let base_gap: Vec<f64> = (1..layer_count)
        .map(|k| {
            let base = if is_labels[k] || is_labels[k - 1] {
                SIDE_GAP
            } else {
                COL_GAP
            };
            base.max((steep[k] * STEEP_GAP).min(MAX_STEEP_GAP))
        })
        .collect();
    let bands: f64 = band.iter().sum();
    let gaps: f64 = base_gap.iter().sum();
    let stretch = if gaps > 0.0 {
        ((min_width - bands) / gaps).clamp(1.0, MAX_STRETCH)
    } else {
        1.0
    };
    let mut band_left = vec![0.0f64; layer_count];
    for k in 1..layer_count {
        band_left[k] = band_left[k - 1] + band[k - 1] + base_gap[k - 1] * stretch;
    }
    let band_right: Vec<f64> = (0..layer_count).map(|k| band_left[k] + band[k]).collect();
    let width = band_right.last().copied().unwrap_or(0.0);
    let rect = |e: usize| {
        let k = elem_layer[e];
        Rect::centred(
            band_left[k] + band[k] / 2.0,
            y[e],
            elem_size[e].0,
            elem_size[e].1,
        )
    };
    let boxes: Vec<Rect> = (0..n).map(rect).collect();
    let labels: Vec<Option<Rect>> = label_elem.iter().map(|e| e.map(rect)).collect();

    // The ends on each side of a box, spread in the order of the heights they lead to.
    let spread = |ports: &BTreeMap<PortKey, usize>, v: usize| {
        let mut keys: Vec<(PortKey, usize)> = ports.iter().map(|(k, e)| (*k, *e)).collect();
        keys.sort_by(|a, b| y[a.1].total_cmp(&y[b.1]).then(a.0.cmp(&b.0)));
        let m = keys.len();
        let step = if m > 1 {
            PORT_STEP.min((elem_size[v].1 - 10.0) / (m - 1) as f64)
        } else {
            0.0
        };
        keys.iter()
            .enumerate()
            .map(|(j, (k, _))| (*k, y[v] + (j as f64 - (m - 1) as f64 / 2.0) * step))
            .collect::<BTreeMap<PortKey, f64>>()
    };
    let right_y: Vec<BTreeMap<PortKey, f64>> = (0..n).map(|v| spread(&right[v], v)).collect();
    let left_y: Vec<BTreeMap<PortKey, f64>> = (0..n).map(|v| spread(&left[v], v)).collect();

    // Lines: out of the start's box, straight across the band of each bend point or label,
    // in S-curves between bands, into the end's box; legs turned around are drawn back.
    let mut paths: Vec<Vec<(f64, f64)>> = vec![Vec::new(); links.len()];
    for &i in &dag {
        let c = &chains[i];
        let (u, v) = (c[0], c[c.len() - 1]);
        let y_out = right_y[u][&out_key(&back, i, c)];
        let y_in = left_y[v][&PortKey::Leg(i)];
        let at = |j: usize| {
            if j == 0 {
                y_out
            } else if j + 1 == c.len() {
                y_in
            } else {
                y[c[j]]
            }
        };
        let mut pts = vec![(boxes[u].x1, y_out)];
        for j in 0..c.len() - 1 {
            let p0 = (band_right[elem_layer[c[j]]], at(j));
            let p3 = (band_left[elem_layer[c[j + 1]]], at(j + 1));
            push(&mut pts, p0);
            for s in 1..=CURVE_STEPS {
                push(&mut pts, bezier(p0, p3, s as f64 / CURVE_STEPS as f64));
            }
        }
        push(&mut pts, (boxes[v].x0, y_in));
        if back[i] {
            pts.reverse();
        }
        paths[i] = pts;
    }
    for &i in &looped {
        let b = boxes[links[i].from];
        let cx = (b.x0 + b.x1) / 2.0;
        let r = 8.0;
        paths[i] = vec![
            (cx + r, b.y0),
            (cx + r, b.y0 - LOOP_H + 2.0),
            (cx - r, b.y0 - LOOP_H + 2.0),
            (cx - r, b.y0),
        ];
    }

    Layout {
        width,
        height,
        column,
        boxes,
        paths,
        labels,
    }
}

/// What an element of a chain is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Elem {
    Place,
    Bend,
    Label,
}

/// The port by which leg `i` (chain `c`) leaves its start: legs sharing a trunk share it.
fn out_key(back: &[bool], i: usize, c: &[usize]) -> PortKey {
    if back[i] {
        PortKey::Leg(i)
    } else {
        PortKey::Towards(c[1])
    }
}

const CURVE_STEPS: usize = 16;

/// A point of the S-curve from `a` to `b` that leaves and arrives horizontally.
fn bezier(a: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
    let dx = (b.0 - a.0) / 2.0;
    let (p1, p2) = ((a.0 + dx, a.1), (b.0 - dx, b.1));
    let s = 1.0 - t;
    let x = s * s * s * a.0 + 3.0 * s * s * t * p1.0 + 3.0 * s * t * t * p2.0 + t * t * t * b.0;
    let y = s * s * s * a.1 + 3.0 * s * s * t * p1.1 + 3.0 * s * t * t * p2.1 + t * t * t * b.1;
    (x, y)
}

/// Append a point unless it repeats the last one.
fn push(pts: &mut Vec<(f64, f64)>, p: (f64, f64)) {
    if pts
        .last()
        .is_none_or(|q| (q.0 - p.0).abs() > 1e-9 || (q.1 - p.1).abs() > 1e-9)
    {
        pts.push(p);
    }
}

const LABEL_LINE_H: f64 = 13.0;

fn label_size(lines: &[String]) -> (f64, f64) {
    let w = lines
        .iter()
        .map(|s| text_width(s, LABEL_FONT))
        .fold(0.0, f64::max);
    (w + 10.0, LABEL_LINE_H * lines.len() as f64 + 6.0)
}

/// Which legs close a cycle: depth-first from the capitals, then from every other location,
/// in file order; a leg to a location still on the path is a back edge.
fn back_edges(net: &Network) -> Vec<bool> {
    let n = net.places.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, l) in net.links.iter().enumerate() {
        if l.from != l.to {
            out[l.from].push(i);
        }
    }
    let mut roots: Vec<usize> = (0..n)
        .filter(|&v| net.places[v].kind == LocationKind::Capital)
        .collect();
    roots.extend((0..n).filter(|&v| net.places[v].kind != LocationKind::Capital));
    // 0 unseen, 1 on the path, 2 done.
    let mut state = vec![0u8; n];
    let mut back = vec![false; net.links.len()];
    for root in roots {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&(v, next)) = stack.last() {
            if let Some(&i) = out[v].get(next) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                let w = net.links[i].to;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => back[i] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    back
}

/// Order each layer's elements to reduce crossings: barycentre sweeps left to right and back,
/// keeping the order with the fewest crossings seen (ties: the earlier).
fn order(layers: &mut [Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>], elems: usize) {
    let mut pos = vec![0usize; elems];
    let index = |layers: &[Vec<usize>], pos: &mut Vec<usize>| {
        for layer in layers {
            for (j, &e) in layer.iter().enumerate() {
                pos[e] = j;
            }
        }
    };
    index(layers, &mut pos);
    let mut best = layers.to_vec();
    let mut fewest = crossings(layers, down, &pos);
    let columns = layers.len();
    for sweep in 0..ORDER_SWEEPS {
        if fewest == 0 {
            break;
        }
        let ks: Vec<usize> = if sweep % 2 == 0 {
            (1..columns).collect()
        } else {
            (0..columns.saturating_sub(1)).rev().collect()
        };
        for k in ks {
            let near = if sweep % 2 == 0 { up } else { down };
            let key: Vec<(usize, f64)> = layers[k]
                .iter()
                .map(|&e| {
                    let nb = &near[e];
                    let b = if nb.is_empty() {
                        pos[e] as f64
                    } else {
                        nb.iter().map(|&o| pos[o] as f64).sum::<f64>() / nb.len() as f64
                    };
                    (e, b)
                })
                .collect();
            let mut sorted = key;
            sorted.sort_by(|a, b| a.1.total_cmp(&b.1).then(pos[a.0].cmp(&pos[b.0])));
            layers[k] = sorted.into_iter().map(|(e, _)| e).collect();
            for (j, &e) in layers[k].iter().enumerate() {
                pos[e] = j;
            }
        }
        let c = crossings(layers, down, &pos);
        if c < fewest {
            fewest = c;
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
}

/// Crossings between consecutive layers (inversions, counted with a Fenwick tree).
fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>], pos: &[usize]) -> u64 {
    let mut total = 0u64;
    for k in 0..layers.len().saturating_sub(1) {
        let mut pairs: Vec<(usize, usize)> = layers[k]
            .iter()
            .flat_map(|&a| down[a].iter().map(move |&b| (pos[a], pos[b])))
            .collect();
        pairs.sort_unstable();
        let size = layers[k + 1].len() + 1;
        let mut tree = vec![0u64; size + 1];
        for (seen, &(_, b)) in pairs.iter().enumerate() {
            // Earlier pairs (their start at or above this one's) that end below this one's end.
            let mut at_most = 0u64;
            let mut i = b + 1;
            while i > 0 {
                at_most += tree[i];
                i -= i & i.wrapping_neg();
            }
            total += seen as u64 - at_most;
            let mut i = b + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// The positions nearest (least squares) to `desired` that keep their order with at least
/// `gaps[j]` between element j and j+1 (pool-adjacent-violators).
fn spaced(desired: &[f64], gaps: &[f64]) -> Vec<f64> {
    let mut offset = vec![0.0; desired.len()];
    for j in 1..desired.len() {
        offset[j] = offset[j - 1] + gaps[j - 1];
    }
    // Blocks of (sum of targets, count), each at its mean, non-decreasing.
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for (d, o) in desired.iter().zip(&offset) {
        blocks.push((d - o, 1));
        while blocks.len() > 1 {
            let (s2, c2) = blocks[blocks.len() - 1];
            let (s1, c1) = blocks[blocks.len() - 2];
            if s1 / c1 as f64 > s2 / c2 as f64 {
                blocks.pop();
                let last = blocks.len() - 1;
                blocks[last] = (s1 + s2, c1 + c2);
            } else {
                break;
            }
        }
    }
    let mut out = Vec::with_capacity(desired.len());
    for (s, c) in blocks {
        for _ in 0..c {
            out.push(s / c as f64);
        }
    }
    out.iter().zip(&offset).map(|(z, o)| z + o).collect()
}

// Okabe-Ito colours.
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const GREY: RGBColor = RGBColor(0x9A, 0x9A, 0x9A);
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);

fn kind_colour(k: LocationKind) -> RGBColor {
    match k {
        LocationKind::Capital => ORANGE,
        LocationKind::Border => YELLOW,
        LocationKind::Hub => REDDISH_PURPLE,
        LocationKind::Destination => SKY_BLUE,
    }
}

/// What makes two legs' lines look the same: mode, legal, used by a route.
type StyleKey = (u8, bool, bool);

/// How a leg is drawn: colour, width, and dash pattern (on, off; none for a solid line).
struct Stroke {
    colour: RGBColor,
    /// In pixels.
    width: f64,
    dash: Option<(f64, f64)>,
}

impl Stroke {
    fn style(&self) -> ShapeStyle {
        ShapeStyle::from(&self.colour).stroke_width(units(self.width))
    }
}

fn stroke(mode: Mode, legal: bool, used: bool) -> Stroke {
    let width: f64 = if legal { 1.5 } else { 3.5 };
    let (colour, dash) = match mode {
        Mode::Air => (BLUE, None),
        Mode::Land => (VERMILLION, Some((9.0, 5.0))),
        Mode::Sea => (BLUISH_GREEN, Some((width.max(2.5), width + 3.0))),
    };
    Stroke {
        colour: if used { colour } else { GREY },
        width,
        dash,
    }
}

/// The pieces of a dashed line along `pts` (the whole line if solid), leaving out what lies
/// within the first `skip` of its length (drawn already, for another leg on the same trunk).
fn dashes(pts: &[(f64, f64)], dash: Option<(f64, f64)>, skip: f64) -> Vec<Vec<(f64, f64)>> {
    let dist = |a: (f64, f64), b: (f64, f64)| ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    let Some((on, off)) = dash else {
        let mut from = 0;
        let mut s = 0.0;
        for j in 1..pts.len() {
            s += dist(pts[j - 1], pts[j]);
            if s > skip + 1e-9 {
                break;
            }
            from = j;
        }
        let rest = &pts[from.min(pts.len().saturating_sub(2))..];
        return if rest.len() > 1 {
            vec![rest.to_vec()]
        } else {
            Vec::new()
        };
    };
    let mut out = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    let mut drawing = true;
    let mut left = on;
    // Length along the line so far.
    let mut along = 0.0;
    if let Some(&p) = pts.first() {
        cur.push(p);
    }
    for s in pts.windows(2) {
        let (mut a, b) = (s[0], s[1]);
        let mut len = dist(a, b);
        while len > left {
            let t = left / len;
            let p = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
            along += left;
            if drawing {
                cur.push(p);
                let piece = std::mem::take(&mut cur);
                if along > skip + 1e-9 {
                    out.push(piece);
                }
            } else {
                cur = vec![p];
            }
            drawing = !drawing;
            len -= left;
            left = if drawing { on } else { off };
            a = p;
        }
        left -= len;
        along += len;
        if drawing {
            cur.push(b);
        }
    }
    if drawing && cur.len() > 1 && along > skip + 1e-9 {
        out.push(cur);
    }
    out
}

/// How long a start `pts` has in common with one of the lines `drawn` (0 if none).
fn shared_length(pts: &[(f64, f64)], drawn: &[&[(f64, f64)]]) -> f64 {
    let common = drawn
        .iter()
        .map(|d| d.iter().zip(pts).take_while(|(a, b)| a == b).count())
        .max()
        .unwrap_or(0);
    pts.windows(2)
        .take(common.saturating_sub(1))
        .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
        .sum()
}

/// Drawing units per pixel: plotters writes whole numbers, so the picture is drawn at twice
/// its size and shown at its size (the `viewBox`), for smooth curves and thin lines.
const SCALE: f64 = 2.0;

/// A point in drawing units.
fn px(p: (f64, f64)) -> (i32, i32) {
    ((p.0 * SCALE).round() as i32, (p.1 * SCALE).round() as i32)
}

/// A line width in drawing units.
fn units(w: f64) -> u32 {
    (w * SCALE).round() as u32
}

/// The font size to ask plotters for to get `px` pixels (it divides by 1.24 on the way to SVG).
fn font(px: f64) -> f64 {
    px * 1.24 * SCALE
}

/// Escape text for SVG.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `bytes` are a route map this program wrote (what `map` may replace).
pub fn is_route_map(bytes: &[u8]) -> bool {
    bytes.starts_with(format!("<svg id=\"{ROOT_ID}\"").as_bytes())
}

/// The picture's title.
pub fn title(net: &Network) -> String {
    format!(
        "Route network of the scenario \"{}\": {} locations, {} legs, {} routes",
        net.name,
        net.places.len(),
        net.links.len(),
        net.routes.len()
    )
}

/// The picture in words: every location by kind, every leg with its ends, mode, legality and
/// hazards, every route with the places it passes.
pub fn description(net: &Network) -> String {
    let mut d = format!(
        "The route network of the scenario \"{}\", drawn from its [[location]], [[leg]] and [[route]] entries. ",
        net.name
    );
    let _ = write!(d, "Locations ({}) by kind:", net.places.len());
    for (j, k) in [
        LocationKind::Capital,
        LocationKind::Border,
        LocationKind::Hub,
        LocationKind::Destination,
    ]
    .into_iter()
    .enumerate()
    {
        let ids: Vec<&str> = net
            .places
            .iter()
            .filter(|p| p.kind == k)
            .map(|p| p.id.as_str())
            .collect();
        let sep = if j == 0 { " " } else { "; " };
        let list = if ids.is_empty() {
            "none".to_string()
        } else {
            ids.join(", ")
        };
        let _ = write!(d, "{sep}{}: {list}", kind_name(k));
    }
    let _ = write!(
        d,
        ". Legs ({}), with their hazards per crossing:",
        net.links.len()
    );
    for (j, l) in net.links.iter().enumerate() {
        let sep = if j == 0 { " " } else { "; " };
        let _ = write!(
            d,
            "{sep}{}: {} to {} by {}, {}",
            l.id,
            net.places[l.from].id,
            net.places[l.to].id,
            mode_name(l.mode),
            if l.legal { "legal" } else { "not legal" }
        );
        for h in hazard_lines(l) {
            let _ = write!(d, ", {h}");
        }
        if l.routes == 0 {
            d.push_str(", used by no route");
        }
    }
    let _ = write!(d, ". Routes ({}):", net.routes.len());
    for (j, r) in net.routes.iter().enumerate() {
        let sep = if j == 0 { " " } else { "; " };
        let _ = write!(d, "{sep}{} ({}): {}", r.id, r.channel, r.places.join(", "));
    }
    d.push('.');
    d
}

/// The whole picture as SVG text. The same network always gives the same bytes.
pub fn svg(net: &Network) -> Result<String> {
    let lay = layout(net, MIN_WIDTH - 2.0 * MARGIN);
    let width = MIN_WIDTH.max(lay.width + 2.0 * MARGIN).ceil();
    let height = MIN_HEIGHT
        .max(HEAD_H + lay.height + 20.0 + LEGEND_H + MARGIN)
        .ceil();
    // The network centred in the space between the title and the legend.
    let dx = ((width - lay.width) / 2.0).round();
    let room = height - HEAD_H - LEGEND_H - MARGIN;
    let dy = (HEAD_H + (room - lay.height) / 2.0).round();
    let at = |p: (f64, f64)| px((p.0 + dx, p.1 + dy));
    let err = |e: DrawingAreaErrorKind<std::io::Error>| anyhow!("{e:?}");

    let mut out = String::new();
    {
        let canvas = (units(width), units(height));
        let root = SVGBackend::with_string(&mut out, canvas).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        root.draw(&Text::new(
            title(net),
            px((MARGIN, 14.0)),
            ("sans-serif", font(19.0))
                .into_font()
                .style(FontStyle::Bold)
                .color(&INK),
        ))
        .map_err(err)?;
        let mut lines = vec![
            "Boxes are locations and arrows are legs; a route chains legs from where a journey starts to a destination.".to_string(),
            "A column counts the legs of the longest way in; destinations where no leg starts are on the right.".to_string(),
        ];
        if net.later_changes > 0 {
            lines[1].push_str(&format!(
                " Values as at the start: {} event(s) change legs or locations later.",
                net.later_changes
            ));
        }
        for (j, line) in lines.into_iter().enumerate() {
            root.draw(&Text::new(
                line,
                px((MARGIN, 44.0 + 17.0 * j as f64)),
                ("sans-serif", font(12.0)).into_font().color(&MUTED),
            ))
            .map_err(err)?;
        }

        // Legs under everything else.
        let mut drawn: Vec<(StyleKey, Vec<(f64, f64)>)> = Vec::new();
        for (i, l) in net.links.iter().enumerate() {
            let path = &lay.paths[i];
            if path.len() < 2 {
                continue;
            }
            let st = stroke(l.mode, l.legal, l.routes > 0);
            let (tip, before) = (path[path.len() - 1], path[path.len() - 2]);
            let len = ((tip.0 - before.0).powi(2) + (tip.1 - before.1).powi(2)).sqrt();
            let (ux, uy) = if len > 0.0 {
                ((tip.0 - before.0) / len, (tip.1 - before.1) / len)
            } else {
                (1.0, 0.0)
            };
            let head = ARROW_LEN + st.width;
            let base = (tip.0 - ux * head, tip.1 - uy * head);
            let mut line = path[..path.len() - 1].to_vec();
            push(&mut line, base);
            // A trunk shared with a leg drawn before, of the same style, is drawn once: lines
            // drawn over each other would look heavier.
            let key = (l.mode as u8, l.legal, l.routes > 0);
            let same: Vec<&[(f64, f64)]> = drawn
                .iter()
                .filter(|(k, _)| *k == key)
                .map(|(_, p)| p.as_slice())
                .collect();
            let skip = shared_length(&line, &same);
            for piece in dashes(&line, st.dash, skip) {
                let pts: Vec<(i32, i32)> = piece.iter().map(|&p| at(p)).collect();
                root.draw(&PathElement::new(pts, st.style())).map_err(err)?;
            }
            drawn.push((key, line));
            let half = 3.0 + st.width;
            let wing = |s: f64| (base.0 - uy * half * s, base.1 + ux * half * s);
            root.draw(&Polygon::new(
                vec![at(tip), at(wing(1.0)), at(wing(-1.0))],
                st.colour.filled(),
            ))
            .map_err(err)?;
        }
        // Hazard labels over the legs.
        for (i, l) in net.links.iter().enumerate() {
            let Some(r) = lay.labels[i] else { continue };
            let r = r.translated(dx, dy);
            let st = stroke(l.mode, l.legal, l.routes > 0);
            root.draw(&Rectangle::new(
                [px((r.x0, r.y0)), px((r.x1, r.y1))],
                WHITE.filled(),
            ))
            .map_err(err)?;
            root.draw(&Rectangle::new(
                [px((r.x0, r.y0)), px((r.x1, r.y1))],
                ShapeStyle::from(&st.colour).stroke_width(units(1.0)),
            ))
            .map_err(err)?;
            for (j, line) in hazard_lines(l).into_iter().enumerate() {
                root.draw(&Text::new(
                    line,
                    px((r.x0 + 5.0, r.y0 + 3.0 + LABEL_LINE_H * (j as f64 + 0.5))),
                    ("sans-serif", font(LABEL_FONT))
                        .into_font()
                        .color(&INK)
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(err)?;
            }
        }
        // Locations on top.
        for (v, p) in net.places.iter().enumerate() {
            let b = lay.boxes[v].translated(dx, dy);
            let corners = [px((b.x0, b.y0)), px((b.x1, b.y1))];
            root.draw(&Rectangle::new(corners, kind_colour(p.kind).filled()))
                .map_err(err)?;
            root.draw(&Rectangle::new(
                corners,
                ShapeStyle::from(&INK).stroke_width(units(1.0)),
            ))
            .map_err(err)?;
            root.draw(&Text::new(
                p.id.clone(),
                px(((b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0)),
                ("sans-serif", font(NODE_FONT))
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(err)?;
        }
        legend(&root, net, height)?;
        root.present().map_err(err)?;
    }
    // A title and a description for screen readers and tooltips, and the mark of a file this
    // program wrote.
    let open = "<svg ";
    if !out.starts_with(open) {
        return Err(anyhow!("unexpected SVG from the drawing library"));
    }
    let head_end = out
        .find(">\n")
        .ok_or_else(|| anyhow!("unexpected SVG from the drawing library"))?;
    let mut svg = String::with_capacity(out.len() + 4096);
    let _ = write!(
        svg,
        "<svg id=\"{ROOT_ID}\" role=\"img\" aria-labelledby=\"route-map-title route-map-desc\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {} {}\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"route-map-title\">{}</title>\n<desc id=\"route-map-desc\">{}</desc>\n",
        units(width),
        units(height),
        escape(&title(net)),
        escape(&description(net))
    );
    svg.push_str(&out[head_end + 2..]);
    Ok(svg)
}

/// The legend along the bottom: kinds of location, modes and legality of legs, the labels.
fn legend(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    net: &Network,
    height: f64,
) -> Result<()> {
    let err = |e: DrawingAreaErrorKind<std::io::Error>| anyhow!("{e:?}");
    let top = height - MARGIN - LEGEND_H + 14.0;
    let text = |s: &str, x: f64, y: f64, bold: bool| {
        let f = ("sans-serif", font(12.0)).into_font();
        let f = if bold { f.style(FontStyle::Bold) } else { f };
        Text::new(
            s.to_string(),
            px((x, y)),
            f.color(&INK).pos(Pos::new(HPos::Left, VPos::Center)),
        )
    };
    let head_w = 90.0;
    let mut x = MARGIN;
    let row = top;
    root.draw(&text("Locations", x, row, true)).map_err(err)?;
    x += head_w;
    for (k, name) in [
        (LocationKind::Capital, "capital"),
        (LocationKind::Border, "border crossing"),
        (
            LocationKind::Hub,
            "hub (transit, where people can be stranded)",
        ),
        (LocationKind::Destination, "destination"),
    ] {
        let corners = [px((x, row - 8.0)), px((x + 26.0, row + 8.0))];
        root.draw(&Rectangle::new(corners, kind_colour(k).filled()))
            .map_err(err)?;
        root.draw(&Rectangle::new(
            corners,
            ShapeStyle::from(&INK).stroke_width(units(1.0)),
        ))
        .map_err(err)?;
        root.draw(&text(name, x + 32.0, row, false)).map_err(err)?;
        x += 32.0 + text_width(name, 12.0) + 24.0;
    }

    let row = top + 28.0;
    let mut x = MARGIN;
    root.draw(&text("Legs", x, row, true)).map_err(err)?;
    x += head_w;
    let mut samples: Vec<(Stroke, String)> = vec![
        (stroke(Mode::Air, true, true), "air".into()),
        (stroke(Mode::Land, true, true), "land".into()),
        (stroke(Mode::Sea, true, true), "sea".into()),
        (
            Stroke {
                colour: INK,
                width: 1.5,
                dash: None,
            },
            "thin: legal".into(),
        ),
        (
            Stroke {
                colour: INK,
                width: 3.5,
                dash: None,
            },
            "thick: not legal".into(),
        ),
    ];
    if net.links.iter().any(|l| l.routes == 0) {
        samples.push((
            Stroke {
                colour: GREY,
                width: 1.5,
                dash: None,
            },
            "grey: used by no route".into(),
        ));
    }
    for (st, name) in samples {
        for piece in dashes(&[(x, row), (x + 40.0, row)], st.dash, 0.0) {
            let pts: Vec<(i32, i32)> = piece.into_iter().map(px).collect();
            root.draw(&PathElement::new(pts, st.style())).map_err(err)?;
        }
        root.draw(&text(&name, x + 48.0, row, false)).map_err(err)?;
        x += 48.0 + text_width(&name, 12.0) + 24.0;
    }

    let row = top + 56.0;
    root.draw(&text("Labels", MARGIN, row, true)).map_err(err)?;
    root.draw(&text(
        "chance per crossing of death; of being held (for ransom, or in detention); of being intercepted, refused entry or finding no job (sent back to where the leg starts); of sexual violence (women)",
        MARGIN + head_w,
        row,
        false,
    ))
    .map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn baseline() -> Network {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        let loaded = crate::scenario::load(&path, &[]).expect("the baseline loads");
        Network::from_scenario(&loaded.scenario)
    }

    fn place(id: &str, kind: LocationKind) -> Place {
        Place {
            id: id.into(),
            kind,
        }
    }

    fn link(net: &Network, from: &str, to: &str, mode: Mode, legal: bool) -> Link {
        let at = |id: &str| net.places.iter().position(|p| p.id == id).unwrap();
        Link {
            id: format!("{from}-{to}"),
            from: at(from),
            to: at(to),
            mode,
            legal,
            hazards: [0.01, 0.0, 0.3, 0.0, 0.0, 0.0],
            routes: 1,
        }
    }

    /// Every location has a box inside the picture, no two boxes overlap, no label covers a box
    /// or another label, no leg crosses a box other than its own ends or another leg's label,
    /// and every point is finite.
    fn assert_legible(net: &Network, lay: &Layout) {
        assert_eq!(lay.boxes.len(), net.places.len());
        for (v, b) in lay.boxes.iter().enumerate() {
            let id = &net.places[v].id;
            assert!(
                [b.x0, b.y0, b.x1, b.y1].iter().all(|c| c.is_finite()),
                "{id}: {b:?}"
            );
            assert!(
                b.x0 >= -1e-6
                    && b.y0 >= -1e-6
                    && b.x1 <= lay.width + 1e-6
                    && b.y1 <= lay.height + 1e-6,
                "{id} is outside the picture: {b:?} in {} x {}",
                lay.width,
                lay.height
            );
            for (w, c) in lay.boxes.iter().enumerate().skip(v + 1) {
                assert!(
                    !b.overlaps(c),
                    "{id} and {} overlap: {b:?} {c:?}",
                    net.places[w].id
                );
                assert!(
                    (b.x0, b.y0) != (c.x0, c.y0),
                    "{id} and {} at one position",
                    net.places[w].id
                );
            }
        }
        let labels: Vec<(usize, Rect)> = lay
            .labels
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.map(|r| (i, r)))
            .collect();
        for (j, &(i, r)) in labels.iter().enumerate() {
            let id = &net.links[i].id;
            for (v, b) in lay.boxes.iter().enumerate() {
                assert!(
                    !r.overlaps(b),
                    "the label of {id} covers {}",
                    net.places[v].id
                );
            }
            for &(k, s) in &labels[j + 1..] {
                assert!(
                    !r.overlaps(&s),
                    "the labels of {id} and {} overlap",
                    net.links[k].id
                );
            }
        }
        for (i, l) in net.links.iter().enumerate() {
            let p = &lay.paths[i];
            assert!(p.len() >= 2, "{} has no line", l.id);
            assert!(p.iter().all(|q| q.0.is_finite() && q.1.is_finite()));
            for &(k, r) in &labels {
                if k != i {
                    assert!(
                        !p.windows(2).any(|s| r.hit_by(s[0], s[1])),
                        "{} crosses the label of {}",
                        l.id,
                        net.links[k].id
                    );
                }
            }
            for (v, b) in lay.boxes.iter().enumerate() {
                if v == l.from || v == l.to {
                    continue;
                }
                for s in p.windows(2) {
                    assert!(
                        !b.hit_by(s[0], s[1]),
                        "{} crosses the box of {}",
                        l.id,
                        net.places[v].id
                    );
                }
            }
        }
    }

    #[test]
    fn the_baseline_is_laid_out_legibly_left_to_right() {
        let net = baseline();
        let lay = layout(&net, MIN_WIDTH - 2.0 * MARGIN);
        assert_legible(&net, &lay);
        let col = |id: &str| lay.column[net.places.iter().position(|p| p.id == id).unwrap()];
        let last = *lay.column.iter().max().unwrap();
        assert_eq!(col("dhaka"), 0);
        for (v, p) in net.places.iter().enumerate() {
            let leaves = !net.links.iter().any(|l| l.from == v);
            if p.kind == LocationKind::Destination && leaves {
                assert_eq!(lay.column[v], last, "{} is not on the right", p.id);
            }
        }
        // The baseline has no cycle: every leg goes right.
        for l in &net.links {
            assert!(lay.column[l.from] < lay.column[l.to], "{} goes back", l.id);
        }
        // Every leg with a hazard has its label.
        for (i, l) in net.links.iter().enumerate() {
            assert_eq!(lay.labels[i].is_some(), l.hazards.iter().any(|&h| h > 0.0));
        }
        // A picture of about the size its longest journey needs: the Balkan chain to France is
        // nine legs after Dubai, each column a little wider for the layers of labels.
        assert!(lay.width + 2.0 * MARGIN <= 2500.0, "{}", lay.width);
        assert!(HEAD_H + lay.height + 20.0 + LEGEND_H + MARGIN <= 1.2 * MIN_HEIGHT);
    }

    #[test]
    fn the_picture_is_the_same_every_time() {
        let net = baseline();
        assert_eq!(layout(&net, 1140.0), layout(&net, 1140.0));
        let a = svg(&net).unwrap();
        assert_eq!(a, svg(&net).unwrap());
        assert!(is_route_map(a.as_bytes()));
        assert!(a.contains("<title id=\"route-map-title\">"));
    }

    /// A network the baseline might grow into: a Balkan route through places that are both
    /// destinations and transit, a cycle, a leg from a place to itself, two legs between the
    /// same places, a place no leg touches, a leg no route uses, and an id that needs escaping.
    #[test]
    fn any_network_is_laid_out_legibly() {
        use LocationKind::*;
        let mut net = baseline();
        for (id, kind) in [
            ("bulgaria", Hub),
            ("north_macedonia", Hub),
            ("bosnia", Hub),
            ("croatia", Hub),
            ("slovenia", Hub),
            ("romania", Hub),
            ("germany", Destination),
            ("nowhere_at_all", Hub),
            ("a<b&c", Destination),
        ] {
            net.places.push(place(id, kind));
        }
        let mut add = |from: &str, to: &str, mode: Mode, legal: bool| {
            let l = link(&net, from, to, mode, legal);
            net.links.push(l);
        };
        add("turkey", "bulgaria", Mode::Land, false);
        add("bulgaria", "serbia", Mode::Land, false);
        add("greece", "north_macedonia", Mode::Land, false);
        add("north_macedonia", "serbia", Mode::Land, false);
        add("serbia", "bosnia", Mode::Land, false);
        add("serbia", "romania", Mode::Land, false);
        add("bosnia", "croatia", Mode::Land, false);
        add("croatia", "slovenia", Mode::Land, false);
        add("slovenia", "italy", Mode::Land, false);
        add("romania", "germany", Mode::Land, false);
        add("slovenia", "germany", Mode::Land, false);
        add("croatia", "bosnia", Mode::Land, false); // a cycle
        add("libya", "libya", Mode::Sea, false); // a loop
        add("bosnia", "croatia", Mode::Land, false); // twice
        add("dhaka", "a<b&c", Mode::Air, true);
        net.links.last_mut().unwrap().routes = 0;
        let lay = layout(&net, MIN_WIDTH - 2.0 * MARGIN);
        assert_legible(&net, &lay);
        let svg = svg(&net).unwrap();
        assert!(svg.contains("a&lt;b&amp;c"));
        assert!(svg.contains("used by no route"));
    }

    #[test]
    fn tiny_networks_are_drawn() {
        let lone = Network {
            name: "lone".into(),
            places: vec![place("dhaka", LocationKind::Capital)],
            links: Vec::new(),
            routes: Vec::new(),
            later_changes: 0,
        };
        let lay = layout(&lone, 100.0);
        assert_legible(&lone, &lay);
        assert!(svg(&lone).unwrap().contains("dhaka"));
        let mut two = lone.clone();
        two.places.push(place("x", LocationKind::Destination));
        two.links.push(link(&two, "x", "dhaka", Mode::Sea, false));
        two.links.push(link(&two, "dhaka", "x", Mode::Air, true));
        let lay = layout(&two, 100.0);
        assert_legible(&two, &lay);
        let empty = Network {
            places: Vec::new(),
            ..lone
        };
        assert!(svg(&empty).is_ok());
    }

    #[test]
    fn spacing_keeps_order_and_gaps_nearest_to_the_wish() {
        let y = spaced(&[0.0, 0.0, 0.0], &[10.0, 10.0]);
        assert_eq!(y, vec![-10.0, 0.0, 10.0]);
        let y = spaced(&[0.0, 50.0, 51.0], &[10.0, 10.0]);
        assert_eq!(y, vec![0.0, 45.5, 55.5]);
    }

    #[test]
    fn crossings_are_counted() {
        // Two columns: a0 -> b1 and a1 -> b0 cross once.
        let layers = vec![vec![0, 1], vec![2, 3]];
        let down = vec![vec![3], vec![2], vec![], vec![]];
        let pos = vec![0, 1, 0, 1];
        assert_eq!(crossings(&layers, &down, &pos), 1);
        let down = vec![vec![2], vec![3], vec![], vec![]];
        assert_eq!(crossings(&layers, &down, &pos), 0);
    }

    #[test]
    fn percentages_read_plainly() {
        assert_eq!(percent(0.01), "1%");
        assert_eq!(percent(0.005), "0.5%");
        assert_eq!(percent(0.012), "1.2%");
        assert_eq!(percent(0.33), "33%");
        assert_eq!(percent(0.000_01), "<0.01%");
    }
}
