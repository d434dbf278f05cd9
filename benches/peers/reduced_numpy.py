#!/usr/bin/env python3
"""The reduced model of benches/peers/reduced.toml, written as vectorised NumPy.

It reads the same scenario file as crossroads and applies, month by month, the mechanics the
crossroads engine applies under it (crates/engine/src: step.rs, aspiration.rs, offers.rs,
choice.rs, matching.rs, finance.rs, attempt.rs, journey.rs, work.rs, exit.rs,
reintegration.rs, population.rs). The agents are arrays; every phase works on whole arrays or on
the index set of the agents it concerns. The only Python loops are over the months, over the
recruiter kinds, lenders and job pools (two, one and one here), and over the legs a traveller
may cross in one month (at most the legs of a route). Random draws come in bulk from one np.random.Generator
(PCG64); they are not the keyed streams of crossroads, so single runs differ draw by draw and
agree in distribution.

Mechanisms the reduced scenario switches off are not implemented; the loader refuses a scenario
that turns any of them on, so the file cannot silently ask for more than this program does.

    python3 benches/peers/reduced_numpy.py benches/peers/reduced.toml --agents 1000000 --json out.json
"""

import argparse
import csv
import json
import sys
import time
import tomllib

import numpy as np

ABSENT, HOME, SEEK, TRANSIT, DETAINED, WORK, STRANDED, DEAD = range(8)
STATE_NAMES = ["absent", "at_home", "seeking", "in_transit", "detained", "working",
               "stranded", "dead"]
F32 = np.float32


def monthly_rate(year):
    """Yearly rate to the monthly compound rate, as params::monthly_rate (f64, then f32)."""
    return F32((1.0 + year) ** (1.0 / 12.0) - 1.0)


class Unsupported(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Unsupported(what)


def load(path):
    """The scenario's parameters, checked to be those of the reduced model."""
    with open(path, "rb") as f:
        s = tomllib.load(f)
    need(s.get("settle_months", 0) == 0, "settle_months must be 0")
    need(not s.get("event"), "events are not supported")
    pop, asp, off, ch = s["population"], s["aspiration"], s["offers"], s["choice"]
    fin, wk, pol = s["finance"], s["work"], s["policy"]
    need(len(s["district"]) == 1, "exactly one district")
    d = s["district"][0]
    need(d.get("p_broker_offer", 0) == 0 and d.get("ties_share", 0) == 0
         and d.get("urban_share", 0) == 0 and not d.get("border", False),
         "the district must have no brokers, ties, urban share or border")
    need(pop["skilled_share"] == 0 and pop["land_share"] == 0, "no skilled, no land")
    need(off["p_cross_border_young_women"] == 0 and off["p_cross_border_other"] == 0,
         "no cross-border offers")
    need(ch["desperation_share"] == 0, "desperation_share must be 0")
    need(pol["reintegration"]["coverage_share"] == 0, "no reintegration support")
    aw = pol["awareness"]
    need(aw["coverage_share"] == 0 or aw["effect_share"] == 0, "no awareness campaign")
    need(pol["finance"]["safe_loan_coverage_share"] == 0, "no safe-migration loan")
    need(pol["recruitment"]["fee_cap_usd"] == 0
         and pol["recruitment"].get("p_licence_enforcement", 0) == 0
         and pol["recruitment"]["employer_pays_share"] == 0, "no fee cap, licence rule or employer share")
    need(pol["cooperation"]["visa_screening_share"] == 0, "no visa screening")
    need(pol["enforcement"]["p_investigation"] == 0
         and s["market"]["p_investigate_per_victim"] == 0, "no enforcement")

    locs = {l["id"]: l for l in s["location"]}
    capital = [l["id"] for l in s["location"] if l["kind"] == "capital"][0]
    legs = {l["id"]: l for l in s["leg"]}
    leg_ids = list(legs)
    for l in s["leg"]:
        for k in ("p_detention", "p_interception", "p_entry_denied", "p_stranded",
                  "p_sexual_violence"):
            need(l.get(k, 0) == 0, f"leg.{l['id']}.{k} must be 0")
    dests = s["destination"]
    dest_ix = {x["id"]: i for i, x in enumerate(dests)}
    for x in dests:
        for k in ("p_wage_theft", "p_passport_confiscation", "p_job_loss", "p_deportation",
                  "p_regularise", "p_move_on", "p_sexual_exploitation", "ramp_months"):
            need(x.get(k, 0) == 0, f"destination.{x['id']}.{k} must be 0")
    routes = s["route"]
    route_ix = {r["id"]: i for i, r in enumerate(routes)}
    vol = ch["value_of_life_usd"]
    R = []
    for r in routes:
        need(r["channel"] in ("regular", "irregular"), "routes are regular or irregular")
        need(r["channel"] == "regular" or r.get("job_on_arrival", False),
             "an irregular route needs job_on_arrival (no stranding in the reduced model)")
        need(r.get("p_visa_refused", 0) == 0 and r.get("p_offloaded", 0) == 0,
             "no failure before departure")
        need(r.get("sex", "anyone") == "anyone", "routes open to anyone")
        need(legs[r["legs"][0]]["from"] == capital, "no onward routes")
        rl = [legs[x] for x in r["legs"]]
        alive, risk = 1.0, 0.0
        for l in rl:  # Params::derive: expected loss on the way (death only here)
            risk += alive * (F32(l.get("p_death", 0)) * F32(vol))
            alive *= 1.0 - F32(l.get("p_death", 0))
        R.append(dict(
            regular=r["channel"] == "regular",
            dest=dest_ix[r["destination"]],
            legs=[leg_ids.index(x) for x in r["legs"]],
            fee=r["fee_usd"], fee_sd=r.get("fee_sd_log", 0.0), weight=r.get("weight", 1.0),
            wage_factor=r.get("wage_factor", 1.0), jobs=r.get("jobs_per_month"),
            travel=float(np.sum(np.array([l["cost_usd"] for l in rl], dtype=F32), dtype=F32)),
            risk=float(risk),
        ))
    K = []
    for k in s["recruiter"]:
        need(k["kind"] in ("licensed_agency", "smuggler"),
             "recruiters are licensed agencies or smugglers")
        need(not k.get("districts"), "recruiters reach every district")
        need(set(k.get("bases", {})) <= {capital}, "recruiters based in the capital")
        for key in ("advance_share", "p_abscond", "p_coercion", "deception_spread",
                    "coercion_spread", "price_spread", "capacity_spread", "markup_usd"):
            need(k.get(key, 0) == 0, f"recruiter.{k['id']}.{key} must be 0")
        need(k.get("reputation_share", 1) == 1, "reputation 1")
        if k["kind"] == "smuggler":
            need(pop["online_share"] == 1, "smugglers' offers need online_share = 1")
        K.append(dict(
            agency=k["kind"] == "licensed_agency",
            capacity=F32(k["count"]) * F32(k["capacity_per_month"]),
            routes=[route_ix[x] for x in k["routes"]],
            weights=[routes[route_ix[x]].get("weight", 1.0) for x in k["routes"]],
            p_direct=F32(k.get("p_direct_offer", 0)), fee_factor=F32(k.get("fee_factor", 1)),
            p_deception=F32(k["p_deception"]), promise=F32(k.get("promise_factor", 1)),
            dwf=F32(k.get("deception_wage_factor", 1)),
        ))
    # Which kind's capacity a route's applicant uses: the kind that made the offer.
    L = []
    for l in s["lender"]:
        need(l["kind"] != "recruiter_advance" and not l.get("collateral", False),
             "lenders without collateral, no recruiter advance")
        L.append(dict(rate=monthly_rate(l["rate_year"]), cap=F32(l["cap_usd"]),
                      access=F32(l["access_share"])))
    # Job pools: one per destination, then one per route with openings of its own.
    pool_jobs = [F32(x["jobs_per_month"]) for x in dests]
    for r in R:
        if r["jobs"] is not None:
            pool_jobs.append(F32(r["jobs"]))
            r["pool"] = len(pool_jobs) - 1
        else:
            r["pool"] = r["dest"]
    return dict(s=s, R=R, K=K, L=L, dests=dests, legs=[legs[x] for x in leg_ids],
                pool_jobs=pool_jobs)


def run(P, agents, seed, series=None, every_probability=False):
    s, R, K, L, D = P["s"], P["R"], P["K"], P["L"], P["dests"]
    pop, asp, off, ch = s["population"], s["aspiration"], s["offers"], s["choice"]
    fin, wk = s["finance"], s["work"]
    spin, months = s["spin_up_months"], s["months"]
    horizon, first = spin + months, spin
    rng = np.random.Generator(np.random.PCG64(seed))
    N = agents

    # --- constants, as f32 like the engine ---------------------------------------------
    nr, nl = len(R), len(P["legs"])
    r_regular = np.array([r["regular"] for r in R])
    r_dest = np.array([r["dest"] for r in R], dtype=np.int64)
    r_pool = np.array([r["pool"] for r in R], dtype=np.int64)
    r_nlegs = np.array([len(r["legs"]) for r in R], dtype=np.int64)
    r_legs = np.zeros((nr, r_nlegs.max()), dtype=np.int64)
    for i, r in enumerate(R):
        r_legs[i, :len(r["legs"])] = r["legs"]
    r_travel = np.array([r["travel"] for r in R], dtype=F32)
    r_risk = np.array([r["risk"] for r in R], dtype=F32)
    leg_death = np.array([l.get("p_death", 0) for l in P["legs"]], dtype=F32)
    leg_months = np.array([l["months"] for l in P["legs"]], dtype=np.int16)
    d_living = np.array([x["living_cost_usd"] for x in D], dtype=F32)
    d_contract = np.array([max(x["contract_months"], 1) for x in D], dtype=np.int16)
    d_renew = np.array([x["p_renew"] for x in D], dtype=F32)
    route_kind = np.zeros(nr, dtype=np.int64)
    for k, kind in enumerate(reversed(K)):  # the first kind that sells a route
        route_kind[kind["routes"]] = len(K) - 1 - k
    pool_jobs = np.array(P["pool_jobs"], dtype=F32)

    savings_months = F32(pop["savings_months"])
    home_repay = F32(fin["home_repay_share"])
    default_months = fin["default_months"]
    write_off = F32(fin.get("default_write_off_share", 0))
    spending = F32(fin.get("home_spending_share", 0))
    repay_share, saved_share = F32(wk["repay_share"]), F32(wk["saved_share"])
    kept = F32(wk["promise_kept_share"])
    horizon_m, scale = F32(ch["horizon_months"]), F32(max(ch["scale_usd"], 1.0))
    stay_home, naive = F32(ch["stay_home_usd"]), F32(ch["naive_risk_share"])
    aw_factor, see_through = F32(off["awareness_factor"]), F32(off["p_see_through"])
    rest_months, max_seek = asp["rest_months"], asp["max_seek_months"]
    prime_lo = (asp["prime_age_min"] - pop["age_min"]) * 12
    prime_hi = (asp["prime_age_max"] - pop["age_min"] + 1) * 12
    prime_f, debt_f = F32(asp["prime_age_factor"]), F32(asp["debt_factor"])

    # --- the pool (population.rs: Layout and create) ------------------------------------
    span = (pop["age_max"] - pop["age_min"]) * 12
    entrants_persons = pop["entries_per_year"] * horizon / 12.0
    total = pop["persons"] + entrants_persons
    initial = min(int(np.floor(N * pop["persons"] / total + 0.5)), N)
    weight = total / N
    n_entr = N - initial
    entry = np.empty(N, dtype=np.int32)
    entry[:initial] = -rng.integers(0, max(span, 1), size=initial)
    entry[initial:] = (np.arange(n_entr, dtype=np.int64) * horizon // max(n_entr, 1))
    exit_m = np.minimum(entry + span, 32767).astype(np.int32)
    entr_entry = entry[initial:]

    state = np.full(N, ABSENT, dtype=np.int8)
    state[:initial] = HOME
    woman = rng.random(N, dtype=F32) < F32(pop["women_share"])
    home_income = (F32(pop["home_income_usd"])
                   * np.exp(F32(pop["home_income_sd_log"]) * rng.standard_normal(N, dtype=F32)))
    m = min(max(pop["awareness_mean"], 1e-3), 1 - 1e-3)
    c = pop["awareness_concentration"]
    awareness = (np.floor(np.clip(rng.beta(m * c, (1 - m) * c, N), 0, 1) * 255 + 0.5)
                 / 255).astype(F32)
    access = [rng.random(N, dtype=F32) < l["access"] for l in L]
    savings = savings_months * home_income
    buffer = savings_months * home_income
    debt = np.zeros(N, dtype=F32)
    rate = np.zeros(N, dtype=F32)
    arrears = np.zeros(N, dtype=np.int16)
    returnee = np.zeros(N, dtype=bool)
    returned = np.full(N, -32768, dtype=np.int32)
    seek_start = np.zeros(N, dtype=np.int32)
    route = np.zeros(N, dtype=np.int64)
    leg = np.zeros(N, dtype=np.int64)
    timer = np.zeros(N, dtype=np.int16)
    wage = np.zeros(N, dtype=F32)
    promised = np.zeros(N, dtype=F32)
    cost = np.zeros(N, dtype=F32)
    legal = np.zeros(N, dtype=bool)
    departed = np.full(N, -32768, dtype=np.int32)

    # Aspiration: the part of the probability that never changes, and an upper bound of the
    # whole, so that only the few draws under the bound need the exact probability.
    median = F32(pop["home_income_usd"])
    poverty = np.maximum(F32(0), F32(1) + F32(asp["poverty_slope"])
                         * (median / np.maximum(home_income, F32(1)) - F32(1)))
    p_static = F32(asp["p_base"]) * poverty
    p_static[woman] *= F32(asp["women_factor"])
    p_bound = np.minimum(p_static * max(prime_f, F32(1)) * max(debt_f, F32(1)), F32(1))

    # The stock already abroad on the regular routes open at the start.
    stock_routes = [i for i, r in enumerate(R) if r["regular"] and pool_jobs[r["pool"]] > 0]
    rates = [l["rate"] for l in L if l["rate"] > 0]
    stock_rate = F32(np.mean(np.array(rates, dtype=F32), dtype=F32)) if rates else F32(0)
    abroad = np.flatnonzero(rng.random(initial, dtype=F32) < F32(pop["initial_abroad_share"]))
    if stock_routes and abroad.size:
        w = np.array([R[i]["weight"] for i in stock_routes])
        ri = np.array(stock_routes)[np.searchsorted(np.cumsum(w) / w.sum(),
                                                    rng.random(abroad.size), side="right")]
        dd = r_dest[ri]
        route[abroad] = ri
        state[abroad] = WORK
        wd = np.array([x["wage_usd"] for x in D], dtype=F32)[dd]
        sd = np.array([x["wage_sd_log"] for x in D], dtype=F32)[dd]
        wage[abroad] = wd * np.exp(sd * rng.standard_normal(abroad.size, dtype=F32))
        promised[abroad] = wage[abroad]
        cost[abroad] = np.array([R[i]["fee"] for i in range(nr)], dtype=F32)[ri] + r_travel[ri]
        tm = 1 + (rng.random(abroad.size) * d_contract[dd]).astype(np.int16)
        timer[abroad] = tm
        departed[abroad] = -(d_contract[dd] - tm)
        legal[abroad] = True
        owes = abroad[rng.random(abroad.size, dtype=F32) < F32(pop["initial_indebted_share"])]
        debt[owes] = rng.exponential(max(pop["initial_debt_usd"], 1.0), owes.size).astype(F32)
        rate[owes] = stock_rate

    # --- counters -------------------------------------------------------------------------
    C = dict(departures=np.zeros(nr), deaths=0, returns=0, returns_in_debt=0, remittances=0.0,
             entered=0, exited=0, arrivals=0,
             ep_departures=np.zeros(nr), ep_reg_cost=0.0, ep_reg_borrowed=0, ep_arrived=0,
             ep_broken=0, ep_irregular_deaths=0)
    ep_borrowed = np.zeros(N, dtype=bool)   # this episode borrowed (reported episodes only)
    stocks = np.zeros(8)
    mean_debt = []

    # --- finance (finance.rs), on gathered slices -----------------------------------------
    def accrue(d, r, arr):
        """A month's interest on debts d > 0; a household long in arrears defaults first."""
        dflt = (arr >= default_months) & (r > 0)
        if dflt.any():
            arr[dflt] = 0
            d[dflt] -= d[dflt] * write_off
            r[dflt] = 0
            d[dflt & (d < 1)] = 0
        interest = d * r
        pos = interest > 0
        d += interest
        arr[pos] += 1

    def repay(d, sav, r, arr, amount):
        """Repay up to amount (where d > 0 and amount > 0); returns what was repaid."""
        ok = (d > 0) & (amount > 0)
        interest = d * r / (F32(1) + r)
        x = np.where(ok, np.minimum(amount, d), F32(0))
        d -= x
        sav -= x
        arr[ok & (x >= interest)] = 0
        done = ok & (d < 1)
        sav[done] -= d[done]
        d[done] = 0
        r[done] = 0
        arr[done] = 0
        return x

    def return_home(idx, t, rep):
        state[idx] = HOME
        returnee[idx] = True
        returned[idx] = t
        arrears[idx] = 0
        wage[idx] = 0
        if rep:
            C["returns"] += idx.size
            C["returns_in_debt"] += int(np.count_nonzero(debt[idx] > 0))

    def arrive(idx, t):
        r = route[idx]
        reg = r_regular[r]
        rep_ep = departed[idx] >= first
        C["ep_arrived"] += int(np.count_nonzero(rep_ep))
        broken = ~reg | (wage[idx] < kept * promised[idx])
        C["ep_broken"] += int(np.count_nonzero(rep_ep & broken))
        state[idx] = WORK
        timer[idx] = d_contract[r_dest[r]]
        legal[idx] = reg   # an irregular route's job waits without a work visa

    def advance(idx, t, rep, wait):
        """Travel (journey::advance): wait out the current leg, then cross it and every
        0-month leg after it, each crossing drawing its death hazard."""
        if wait:
            tm = timer[idx] - 1
            timer[idx] = tm
            idx = idx[tm == 0]
        while idx.size:
            r = route[idx]
            lg = r_legs[r, leg[idx]]
            dies = rng.random(idx.size, dtype=F32) < leg_death[lg]
            if dies.any():
                dead = idx[dies]
                state[dead] = DEAD
                if rep:
                    C["deaths"] += dead.size
                irr = ~r_regular[route[dead]] & (departed[dead] >= first)
                C["ep_irregular_deaths"] += int(np.count_nonzero(irr))
                idx, r = idx[~dies], r[~dies]
            nxt = leg[idx] + 1
            leg[idx] = nxt
            there = nxt >= r_nlegs[r]
            if there.any():
                arrive(idx[there], t)
                if rep:
                    C["arrivals"] += int(np.count_nonzero(there))
            idx, r, nxt = idx[~there], r[~there], nxt[~there]
            tm = leg_months[r_legs[r, nxt]]
            timer[idx] = tm
            idx = idx[tm == 0]

    t0 = time.perf_counter()
    for t in range(horizon):
        rep = t >= first
        end = initial + int(np.searchsorted(entr_entry, t, side="right"))
        S = state[:end]
        # Entry into the pool: the entrants of this month (stored in order of entry).
        lo = initial + int(np.searchsorted(entr_entry, t, side="left"))
        if end > lo:
            S[lo:end] = HOME
            if rep:
                C["entered"] += end - lo

        at_home = S == HOME
        seeking = S == SEEK
        home = at_home | seeking
        work_idx = np.flatnonzero(S == WORK)
        transit_idx = np.flatnonzero(S == TRANSIT)

        # ---- Pass A, people at home: debt at home (finance::home_month) --------------------
        ind = np.flatnonzero(home & (debt[:end] > 0))
        if ind.size:
            inc = home_income[ind]
            sav, d, r, arr = savings[ind], debt[ind], rate[ind], arrears[ind]
            spare = np.maximum(sav - buffer[ind], F32(0))
            budget = inc * home_repay
            sav += budget
            accrue(d, r, arr)
            repay(d, sav, r, arr, budget + spare)
            savings[ind], debt[ind], rate[ind], arrears[ind] = sav, d, r, arr
        if spending > 0:
            rich = np.flatnonzero(at_home & (savings[:end] > buffer[:end]))
            savings[rich] -= (savings[rich] - buffer[rich]) * spending

        # ---- aspiration (aspiration.rs): a draw for everyone at home, and the exact
        # probability only where the draw is under its bound (or, with every_probability,
        # for everyone at home, as crossroads does).
        u = rng.random(end, dtype=F32)
        if every_probability:
            cand = np.flatnonzero(at_home)
        else:
            cand = np.flatnonzero((u < p_bound[:end]) & at_home)
        p = p_static[cand].copy()
        p[returnee[cand] & (t - returned[cand] < rest_months)] = 0
        age_m = t - entry[cand]
        p[(age_m >= prime_lo) & (age_m < prime_hi)] *= prime_f
        p[returnee[cand] & (debt[cand] > 0)] *= F32(1) + (debt_f - F32(1))
        starters = cand[u[cand] < np.minimum(p, F32(1))]
        state[starters] = SEEK
        seek_start[starters] = t
        old = np.flatnonzero(seeking)
        gave_up = t - seek_start[old] >= max_seek
        state[old[gave_up]] = HOME
        seekers = np.concatenate([starters, old[~gave_up]])

        # ---- offers and choice (offers.rs, choice.rs) --------------------------------------
        ns, nk = seekers.size, len(K)
        aw = awareness[seekers]
        util = np.full((nk + 1, ns), -np.inf, dtype=F32)
        util[nk] = stay_home
        o_route = np.zeros((nk, ns), dtype=np.int64)
        o_fee = np.zeros((nk, ns), dtype=F32)
        o_prom = np.zeros((nk, ns), dtype=F32)
        o_wage = np.zeros((nk, ns), dtype=F32)
        means = np.maximum(savings[seekers], F32(0))
        for l, lender in enumerate(L):
            means += np.where(access[l][seekers], lender["cap"], F32(0))
        risk_share = naive + (F32(1) - naive) * aw
        reach = rng.random((nk, ns), dtype=F32)
        for k, kind in enumerate(K):
            prob = kind["p_direct"] * (F32(1) + aw_factor * aw) if kind["agency"] else kind["p_direct"]
            j = np.flatnonzero(reach[k] < prob)
            n = j.size
            if n == 0:
                continue
            w = np.asarray(kind["weights"], dtype=float)
            rr = np.asarray(kind["routes"])[
                np.searchsorted(np.cumsum(w) / w.sum(), rng.random(n), side="right")
                if len(w) > 1 else np.zeros(n, dtype=np.int64)]
            z = rng.standard_normal((2, n), dtype=F32)
            fee_sd = np.array([R[i]["fee_sd"] for i in range(nr)], dtype=F32)[rr]
            fee = (np.array([R[i]["fee"] for i in range(nr)], dtype=F32)[rr] * kind["fee_factor"]
                   * np.exp(fee_sd * z[0]))
            dd = r_dest[rr]
            med = (np.array([x["wage_usd"] for x in D], dtype=F32)[dd]
                   * np.array([R[i]["wage_factor"] for i in range(nr)], dtype=F32)[rr])
            market = med * np.exp(np.array([x["wage_sd_log"] for x in D], dtype=F32)[dd] * z[1])
            ud = rng.random((2, n), dtype=F32)
            deceptive = ud[0] < kind["p_deception"]
            honest = np.where(r_regular[rr], market,
                              market * np.array([x["irregular_wage_factor"] for x in D],
                                                dtype=F32)[dd])
            prom = np.where(deceptive, market * kind["promise"], honest)
            # A seeker may see through a deceptive offer (none do here: p_see_through = 0).
            seen = deceptive & (ud[1] < aw[j] * see_through)
            keep = ~seen
            j, rr, fee, prom = j[keep], rr[keep], fee[keep], prom[keep]
            deceptive, honest, dd = deceptive[keep], honest[keep], dd[keep]
            travel = r_travel[rr]
            o_route[k, j] = rr
            o_fee[k, j] = fee
            o_prom[k, j] = prom
            o_wage[k, j] = np.where(deceptive, prom * kind["dwf"], honest)
            u_k = ((prom - d_living[dd]) * horizon_m - fee - travel - r_risk[rr] * risk_share[j])
            util[k, j] = np.where(means[j] >= fee + travel, u_k, F32(-np.inf))
        # Logit choice with staying home as the last option.
        best = util.max(axis=0)
        wts = np.exp((util - best) / scale)
        cum = np.cumsum(wts, axis=0)
        x = rng.random(ns, dtype=F32) * cum[-1]
        pick = (x[None, :] >= cum).sum(axis=0)          # first option whose cumulated weight > x
        chose = pick < nk
        app = seekers[chose]
        ak = pick[chose]
        col = np.flatnonzero(chose)
        route[app] = o_route[ak, col]
        cost[app] = o_fee[ak, col] + r_travel[route[app]]
        promised[app] = o_prom[ak, col]
        wage[app] = o_wage[ak, col]
        app_fee = o_fee[ak, col]

        # ---- pass A, people abroad: travel (journey.rs) ------------------------------------
        if transit_idx.size:
            advance(transit_idx, t, rep, wait=True)

        # ---- work (work.rs) and exit (exit.rs) ---------------------------------------------
        if work_idx.size:
            wi = work_idx
            r = route[wi]
            living = d_living[r_dest[r]]
            pay = wage[wi]
            surplus = pay - living
            sav = savings[wi] + surplus
            d, rt, arr = debt[wi], rate[wi], arrears[wi]
            owe = np.flatnonzero(d > 0)
            if owe.size:
                dd_, rr_, aa_ = d[owe], rt[owe], arr[owe]
                accrue(dd_, rr_, aa_)
                d[owe], rt[owe], arr[owe] = dd_, rr_, aa_
            repaid = np.zeros(wi.size, dtype=F32)
            pays = np.flatnonzero((surplus > 0) & (d > 0))
            if pays.size:
                dd_, ss_, rr_, aa_ = d[pays], sav[pays], rt[pays], arr[pays]
                repaid[pays] = repay(dd_, ss_, rr_, aa_, surplus[pays] * repay_share)
                d[pays], sav[pays], rt[pays], arr[pays] = dd_, ss_, rr_, aa_
            sent = np.where(surplus > repaid, surplus - repaid, F32(0))
            if rep:
                C["remittances"] += float(sent.sum(dtype=np.float64))
            sav -= sent * (F32(1) - saved_share)
            savings[wi], debt[wi], rate[wi], arrears[wi] = sav, d, rt, arr
            # Contract months: the last one ends in renewal (legal workers) or the way home.
            tm = timer[wi] - 1
            timer[wi] = tm
            ends = np.flatnonzero(tm == 0)
            if ends.size:
                e = wi[ends]
                renew = legal[e] & (rng.random(e.size, dtype=F32) < d_renew[r_dest[route[e]]])
                timer[e[renew]] = d_contract[r_dest[route[e[renew]]]]
                return_home(e[~renew], t, rep)

        # ---- leaving the pool by age, from home, unless an application is pending ----------
        applied = np.zeros(end, dtype=bool)
        applied[app] = True
        S = state[:end]
        old_age = np.flatnonzero(((S == HOME) | (S == SEEK)) & ~applied
                                 & (exit_m[:end] <= t))
        state[old_age] = ABSENT
        if rep:
            C["exited"] += old_age.size

        # ---- matching (matching.rs): each kind's places, then the job openings -------------
        def places(x):
            x = max(float(x), 0.0)
            whole = np.floor(x)
            return int(whole) + int(rng.random(dtype=F32) < F32(x - whole))

        accepted = np.ones(app.size, dtype=bool)
        for k, kind in enumerate(K):
            g = np.flatnonzero(ak == k)
            n = places(kind["capacity"] / F32(weight))
            if g.size > n:
                accepted[g[rng.permutation(g.size)[n:]]] = False
        for pl in range(len(pool_jobs)):
            g = np.flatnonzero(accepted & r_regular[route[app]] & (r_pool[route[app]] == pl))
            if g.size == 0:
                continue
            n = places(pool_jobs[pl] / F32(weight))
            if g.size > n:
                accepted[g[rng.permutation(g.size)[n:]]] = False

        # ---- pass B: pay and leave (attempt.rs, finance::pay_departure, journey::depart) ---
        go = app[accepted]
        if go.size:
            fee = app_fee[accepted]
            c_ = cost[go]
            sav, d, rt = savings[go], debt[go], rate[go]
            needed = np.maximum(c_ - np.maximum(sav, F32(0)), F32(0))
            borrowed = np.zeros(go.size, dtype=bool)
            for l, lender in enumerate(L):
                x = np.where((needed > 0) & access[l][go], np.minimum(needed, lender["cap"]),
                             F32(0))
                b = x > 0
                d0 = np.maximum(d, F32(0))
                rt = np.where(b, (rt * d0 + lender["rate"] * x) / np.where(b, d0 + x, F32(1)), rt)
                d = np.where(b, d0 + x, d)
                sav = sav + x
                needed = needed - x
                borrowed |= b
            sav -= c_
            savings[go], debt[go], rate[go] = sav, d, rt
            r = route[go]
            state[go] = TRANSIT
            legal[go] = False
            departed[go] = t
            leg[go] = 0
            timer[go] = leg_months[r_legs[r, 0]]
            if rep:
                C["departures"] += np.bincount(r, minlength=nr)
                C["ep_departures"] += np.bincount(r, minlength=nr)
                reg = r_regular[r]
                C["ep_reg_cost"] += float(c_[reg].sum(dtype=np.float64))
                C["ep_reg_borrowed"] += int(np.count_nonzero(reg & borrowed))
            now = go[timer[go] == 0]
            if now.size:
                advance(now, t, rep, wait=False)

        # ---- the month's stocks ---------------------------------------------------------------
        if rep:
            S = state[:end]
            counts = np.bincount(S, minlength=8)
            stocks += counts
            owes = (S != ABSENT) & (S != DEAD) & (debt[:end] > 0)
            n = np.count_nonzero(owes)
            mean_debt.append(float(debt[:end][owes].sum(dtype=np.float64)) / n if n else 0.0)
            if series is not None:
                series.append(dict(month=t - first + 1, **{
                    STATE_NAMES[i]: counts[i] * weight for i in range(1, 8)},
                    departures=float(C["departures"].sum()) * weight,
                    deaths=C["deaths"] * weight, returns=C["returns"] * weight,
                    entered=C["entered"] * weight, exited=C["exited"] * weight,
                    mean_debt_usd=mean_debt[-1]))
    seconds = time.perf_counter() - t0

    yr = 12.0 / months
    dep = C["ep_departures"]
    reg = float(sum(dep[i] for i in range(nr) if R[i]["regular"]))
    irr = float(sum(dep[i] for i in range(nr) if not R[i]["regular"]))
    out = {
        "regular_departures_per_year": reg * weight * yr,
        "irregular_departures_per_year": irr * weight * yr,
        "deaths_per_year": C["deaths"] * weight * yr,
        "deaths_per_1000_irregular": 1000 * C["ep_irregular_deaths"] / irr if irr else None,
        "returns_per_year": C["returns"] * weight * yr,
        "borrowed_share": C["ep_reg_borrowed"] / reg if reg else None,
        "returnee_in_debt_share": C["returns_in_debt"] / C["returns"] if C["returns"] else None,
        "mean_debt_usd": float(np.mean(mean_debt)),
        "mean_migration_cost_usd": C["ep_reg_cost"] / reg if reg else None,
        "promise_broken_share": C["ep_broken"] / C["ep_arrived"] if C["ep_arrived"] else None,
        "remittances_usd_per_year": C["remittances"] * weight * yr,
        "working": stocks[WORK] / months * weight,
        "seeking": stocks[SEEK] / months * weight,
        "in_transit": stocks[TRANSIT] / months * weight,
        "entered_per_year": C["entered"] * weight * yr,
        "exited_per_year": C["exited"] * weight * yr,
    }
    return out, dict(agents=N, months=horizon, weight=weight, simulation_seconds=seconds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--agents", type=int, default=None)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--json", help="write the aggregates here")
    ap.add_argument("--every-probability", action="store_true",
                    help="work out the aspiration probability of everyone at home each month, "
                    "not only of those whose draw falls under its upper bound (same results, "
                    "for timing)")
    ap.add_argument("--series", help="write the reported months' stocks and cumulated flows "
                    "(persons) here, as CSV")
    a = ap.parse_args()
    try:
        P = load(a.scenario)
    except Unsupported as e:
        sys.exit(f"{a.scenario}: not the reduced model: {e}")
    agents = a.agents or P["s"]["population"]["default_agents"]
    seed = a.seed if a.seed is not None else P["s"].get("seed", 1)
    series = [] if a.series else None
    out, info = run(P, agents, seed, series, a.every_probability)
    if a.series:
        with open(a.series, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(series[0]))
            w.writeheader()
            w.writerows(series)
    steps = info["agents"] * info["months"]
    info["agent_steps_per_second"] = steps / info["simulation_seconds"]
    print(f"simulation {info['simulation_seconds']:.2f} s, "
          f"{info['agent_steps_per_second'] / 1e6:.1f} million agent-steps/s")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"aggregates": out, "run": info}, f, indent=1)
    else:
        for k, v in out.items():
            print(f"{k:32s} {v}")


if __name__ == "__main__":
    main()
