use crossroads::engine::{run_replicate, Epoch, Params, RunSpec};
use crossroads::metrics::{outcomes, Period};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let agents: usize = std::env::args().nth(2).map(|s| s.parse().unwrap()).unwrap_or(20000);
    let s: crossroads::scenario::Scenario = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let p = Params::compile(&s);
    let epochs = vec![Epoch { from: 0, params: p.clone() }];
    let t = std::time::Instant::now();
    let rep = run_replicate(&epochs, RunSpec { seed: 1, replicate: 0, agents, spin_up: s.spin_up_months, months: s.months }, &|| {});
    eprintln!("{:.2}s weight {} ledger gap {:e}", t.elapsed().as_secs_f64(), rep.weight, rep.ledger_gap);
    for (k, v) in outcomes(&rep, &p, Period { from: 0, to: rep.months.len() }) {
        println!("{k} = {v:?}");
    }
    let m = &rep.months[rep.months.len() - 1].tally;
    println!("states {:?}", m.states);
}
