#!/usr/bin/env python3
"""Builds the bundled 2024 container market and its calibration targets from public figures.

Writes (deterministically, same bytes every run):
  scenarios/market_2024.csv               container demand between zones, all modes, TEU per year
  scenarios/calibration/observed_2024.csv the observed volumes corridor calibrate fits the choice model to

Every figure carries its source tag: [Sx]/[Tx]/[Ox] resolve in ../shared/facts/corridor_facts.md, [Mx] in
market_volumes.md, [Kx] in scenarios/facts/market_model_2024.md; A-... are our assumptions, listed with their reasons
in scenarios/README.md ("Market 2024"). Run: python3 tools/dataset/build_market.py [--summary]

The market is the observed traffic by mode added up per zone pair: demand(o, d) = sea(o, d) + rail(o, d),
each split over zones by its own key (sea by the provinces' exports, rail by the CRE platforms' trains).
Which mode and route each TEU takes is then the choice model's result, not an input.
"""

import csv
import io
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_MARKET = os.path.join(ROOT, "scenarios", "market_2024.csv")
OUT_OBSERVED = os.path.join(ROOT, "scenarios", "calibration", "observed_2024.csv")

# ---------------------------------------------------------------------------
# 1. National totals, 2024 (TEU per year)
# ---------------------------------------------------------------------------
SEA_ASIA_EUROPE_WB = 18.3e6          # Asia -> Europe 2024 [K21]
CHINA_SHARE_OF_ASIA_EUROPE = 0.75    # China + HK share of 2023 held for 2024 (MV [M2]; [K21] derived)
SEA_CN_EU_WB = SEA_ASIA_EUROPE_WB * CHINA_SHARE_OF_ASIA_EUROPE   # ~13.7 M
SEA_EU_CN_EB = 3.0e6                 # Europe -> China 2024, ~6.27 M x ~48% [K155][K156] derived
ERA_WB = 330704.0                    # China -> EU rail transit over the 1520 network [M42]
ERA_EB = 49730.0                     # EU -> China [M42]
ERA_WB_VIA_POLAND = 292950.0         # 88.6% of westbound [M42]
TITR_CN_EU = 35600.0                 # China -> Europe via the Trans-Caspian route [S47]
CASPIAN_TEU = 56500.0                # across the Caspian, both directions [K15]
CRE_EU_TEU = 2077216.0               # CRE "China-Europe" count, both directions (incl. RU/BY) [S30]
CRE_EU_TRAINS_WB, CRE_EU_TRAINS_EB = 10546.0, 8846.0   # [S30]
SUIFENHE_TEU = 77168.0 * 366.0 / 311.0   # 77,168 TEU to 6 Nov 2024 [K55], full year (not in the network)
CRE_CA_TEU = 882712.0                # China - Central Asia trains 2024, both directions [K2]
CA_WESTBOUND_SHARE = 0.80            # A-cadir: value proxy 87% exports [K142], containers back partly empty

WB_TRAIN_SHARE = CRE_EU_TRAINS_WB / (CRE_EU_TRAINS_WB + CRE_EU_TRAINS_EB)
# China <-> Russia and Belarus: the CRE-EU count less the EU transit, the Trans-Caspian trains and
# Suifenhe, split by the direction of the trains (derived).
CN_RU_WB = CRE_EU_TEU * WB_TRAIN_SHARE - ERA_WB - TITR_CN_EU - SUIFENHE_TEU * WB_TRAIN_SHARE
CN_RU_EB = CRE_EU_TEU * (1.0 - WB_TRAIN_SHARE) - ERA_EB - SUIFENHE_TEU * (1.0 - WB_TRAIN_SHARE)
# Only about half of the China - Central Asia trains cross at Alashankou or Horgos: 3,055 in H1 2024
# [K158] against 11,920 in the year [K2] (the "Xinjiang arithmetic" of market_model_2024.md does not
# close otherwise). The rest travels rail-road via Kashgar [K39] and other ways the rail network does
# not model: A-caxinjiang keeps the rail market to what the Xinjiang exits count.
CA_VIA_XINJIANG = 2.0 * 3055.0 / 11920.0
CN_CA_WB = CRE_CA_TEU * CA_VIA_XINJIANG * CA_WESTBOUND_SHARE
CN_CA_EB = CRE_CA_TEU * CA_VIA_XINJIANG * (1.0 - CA_WESTBOUND_SHARE)
# China -> Caucasus and Turkiye: what crosses the Caspian beyond the China-Europe trains (derived).
CN_CAU_WB = CASPIAN_TEU - TITR_CN_EU

# ---------------------------------------------------------------------------
# 2. Zone keys
# ---------------------------------------------------------------------------
# Chinese zones (network node: provinces) and their share of China's exports by value, % (market_model
# s.6a): 2024 where found [K127]-[K141], else the 2016 top-14 [K143], else the 2007 list [K144].
SEA_ORIGIN_KEY = {
    "CAN": 23.15 + 5.11 + 0.48 + 0.20,   # Guangdong 2024 [K127]; Fujian ~1.3 tn [K137]; Guangxi, Hainan 2007 [K144]
    "YIW": 15.3,                          # Zhejiang 2024 [K129]
    "NKG": 14.1 + 6.8 + 1.4,              # Jiangsu ~3.6 tn [K130][K131]; Shanghai ~1.73 tn [K133]-[K135]; Anhui < 1.4 (2016)
    "BJS": 7.6 + 2.5 + 2.4 + 1.6 + 0.6,  # Shandong 2023 [K136]; Beijing, Tianjin, Hebei 2016 [K143]; Shanxi 2007 [K144]
    "HRB": 2.4 + 0.3 + 0.4 + 0.3,        # Liaoning 2016 [K143]; Jilin, Heilongjiang, Inner Mongolia 2007 [K144]
    "CGO": 2.0,                           # Henan 2016 [K143]
    "WUH": 1.4 + 1.4 + 1.0,              # Hubei, Jiangxi 2016 [K143]; Hunan (A-hunan: between 2007's 0.5 and 1.4)
    "CKG": 1.9 + 0.16 + 0.2,             # Chongqing 2016 [K143]; Guizhou, Yunnan 2007 [K144]
    "CTU": 2.4,                           # Sichuan: trade Jan-Jul 2024 x 12/7, 60% exports [K139] derived
    "XIA": 1.0 + 0.5 + 0.13 + 0.07,      # Shaanxi < 1.4 (2016); Gansu, Ningxia, Qinghai 2007 [K144]
}
# CRE-EU platform trains 2024 by zone [S30][K9]; the 19% from >100 other cities are spread pro rata.
CRE_ORIGIN_TRAINS = {
    "XIA": 3849, "CTU": 2285, "CKG": 2059, "CGO": 2052, "YIW": 812,
    "WUH": 742 + 764,      # Wuhan, Changsha
    "CAN": 742,            # Guangzhou
    "HRB": 676,            # Shenyang
    "BJS": 653 + 598,      # Jinan, Shijiazhuang
    "NKG": 498,            # Hefei
}
# China - Central Asia trains 2024 by origin: Xi'an, Zhengzhou, Chongqing, Chengdu back-cast from 2025
# [K1]; the rest (88%) from Urumqi (40%, A-caorigin: Xinjiang exports to Central Asia [K142]),
# Lianyungang (15%, the China-KZ logistics base [O5][K163]) and the other platforms pro rata (45%).
CA_NAMED_TRAINS = {"XIA": 756, "CGO": 448, "CKG": 168, "CTU": 77}
CA_TOTAL_TRAINS = 11920.0            # [K2]
CA_REST_SPLIT = {"URC": 0.40, "LYG": 0.15}

# European zones (network node: countries), A-eudest from value keys (market_model s.6b): Germany's
# imports from China ~26% of Europe's (national concept EUR 157 bn [K146] of EU 517.8 bn [K145] plus
# UK, CH, NO) -> HAM 8% (north, Nordic transit), DUI 18%; Poland EUR 50.7 bn [K148] + Baltics -> WAW 9%;
# Italy, Spain, Greece, Portugal EUR ~105 bn [K145][K147] + southern France -> PIR (Mediterranean) 22%;
# Czechia, Slovakia, Hungary, Austria, Romania, Bulgaria, Slovenia, Croatia -> BUD 9%; the rest
# (Netherlands, Belgium, France, UK, Ireland, Nordics) -> RTM 34%.
EU_DEST_SEA_KEY = {"RTM": 0.34, "HAM": 0.08, "DUI": 0.18, "WAW": 0.09, "BUD": 0.09, "PIR": 0.22}
# Rail ends mostly in Poland: China -> Poland 105.9 k of 152.1 k TEU ERA Jan-May 2024 [K62] (of the
# westbound part ~80%); Germany < 13 k of ~143 k in 2023 [K61] (~9%). A-eurail for the rest.
EU_DEST_RAIL_KEY = {"WAW": 0.80, "DUI": 0.08, "HAM": 0.03, "BUD": 0.05, "RTM": 0.02, "PIR": 0.02}
# Europe -> China by sea: EU exports to China 2024 (Germany EUR 90 bn, France 24, Netherlands 24 of
# 213.3 bn [K145]; Spain 7.5 [K147]; Poland 3.3 [K148]; UK GBP 21.1 bn [K150]) -> A-euexport.
EU_EXPORT_KEY = {"DUI": 0.30, "HAM": 0.12, "RTM": 0.36, "PIR": 0.12, "BUD": 0.06, "WAW": 0.04}
EU_RAIL_EB_KEY = {"DUI": 0.35, "HAM": 0.15, "WAW": 0.25, "RTM": 0.10, "BUD": 0.10, "PIR": 0.05}   # A-eurail
# Russia: destinations not published (market_model s.6e) -> A-rudest: European Russia and Belarus
# (MOW) 70%, the Urals (YEK) 15%, Siberia (NSK) 15%.
RU_DEST_KEY = {"MOW": 0.70, "YEK": 0.15, "NSK": 0.15}
# Central Asia: KZ + KG + TM took ~69% of CRE-CA TEU, UZ + TJ ~31% (Jan-Aug 2025 [K159][K160]);
# Kazakhstan's south (Almaty, and Kyrgyzstan beyond) 55%, its north (Astana) 14% (A-cadest).
CA_DEST_KEY = {"ALA": 0.55, "NQZ": 0.14, "TAS": 0.31}
# Caucasus and Turkiye: the Trans-Caspian block trains end in Azerbaijan and Georgia or go on to
# Turkiye [K30][K41]: A-caudest. Xi'an consolidates 40% of the trains towards Kazakhstan [K15].
CAU_DEST_KEY = {"BAK": 0.40, "TBS": 0.30, "IST": 0.30}
CAU_XIAN_SHARE = 0.40

# ---------------------------------------------------------------------------
# 3. Observed 2024 (and 2023) volumes for calibration (TEU per year unless a share)
# ---------------------------------------------------------------------------
AKU_TEU = 621500.0 * 366.0 / 331.0               # 621,500 TEU in+out to 26 Nov 2024 [K47]
HRG_TEU = 8600.0 * 86.0                           # ~8,600 trains [M55] x 86 TEU (35% CRE-EU at 107, 65% CA at 74) [K50][K2]
EHT_TEU = 373000.0                                # ~3,250 trains, 373 k TEU [M87][K51]
MZL_TEU = 420000.0 * 365.0 / 288.0 * 1.06         # 420 k TEU to mid-Oct 2023 [K56], +6% (eastern corridor 2024 [K53][K45])
ERA_EB_VIA_POLAND = ERA_EB * ERA_WB_VIA_POLAND / ERA_WB   # Poland's westbound share applied eastbound (derived)
MLS_SHARE = 0.735                                 # Malaszewicze's share of westbound CN-EU: 79% (2020), 68% (2021) (CF s.4)
SUEZ_SHARE_2024 = 0.12                            # Suez of China-Europe sea in 2024: ~0 of the mainline loops [M9], Gulf of Aden tonnage -76% [M7]
ERA_WB_2023 = ERA_WB / 2.308                      # westbound 2023 (MV s.2a derived: +130.8% in 2024)


def zone_share(key):
    total = float(sum(key.values()))
    return {z: v / total for z, v in key.items()}


def ca_origin_key():
    named = sum(CA_NAMED_TRAINS.values())
    rest = CA_TOTAL_TRAINS - named
    key = {z: float(v) for z, v in CA_NAMED_TRAINS.items()}
    for z, share in CA_REST_SPLIT.items():
        key[z] = key.get(z, 0.0) + rest * share
    spread = rest * (1.0 - sum(CA_REST_SPLIT.values()))
    cre = zone_share(CRE_ORIGIN_TRAINS)
    for z, share in cre.items():
        key[z] = key.get(z, 0.0) + spread * share
    return zone_share(key)


def market_rows():
    rows = {}   # (o, d, commodity) -> [teu, market, src]

    def add(o, d, commodity, teu, market, src):
        k = (o, d, commodity)
        if k not in rows:
            rows[k] = [0.0, market, set()]
        rows[k][0] += teu
        rows[k][2].update(src.split(";"))

    sea_o = zone_share(SEA_ORIGIN_KEY)
    cre_o = zone_share(CRE_ORIGIN_TRAINS)
    for o in sea_o:
        for d in EU_DEST_SEA_KEY:
            add(o, d, "cn_eu", SEA_CN_EU_WB * sea_o[o] * EU_DEST_SEA_KEY[d], "China-Europe", "K21;M2;K127;K145;A-eudest")
            add(d, o, "eu_cn", SEA_EU_CN_EB * EU_EXPORT_KEY[d] * sea_o[o], "Europe-China", "K156;K145;A-euexport")
    for o in cre_o:
        for d in EU_DEST_RAIL_KEY:
            add(o, d, "cn_eu", (ERA_WB + TITR_CN_EU) * cre_o[o] * EU_DEST_RAIL_KEY[d], "China-Europe", "M42;S47;S30;K9;K62;A-eurail")
        for d in EU_RAIL_EB_KEY:
            add(d, o, "eu_cn", ERA_EB * EU_RAIL_EB_KEY[d] * cre_o[o], "Europe-China", "M42;S30;K9;A-eurail")
        for d in RU_DEST_KEY:
            add(o, d, "cn_ru", CN_RU_WB * cre_o[o] * RU_DEST_KEY[d], "China-Russia", "S30;M42;S47;K55;A-rudest")
            add(d, o, "cn_ru", CN_RU_EB * cre_o[o] * RU_DEST_KEY[d], "China-Russia", "S30;M42;K55;A-rudest")
    ca_o = ca_origin_key()
    for o in ca_o:
        for d in CA_DEST_KEY:
            add(o, d, "cn_ca", CN_CA_WB * ca_o[o] * CA_DEST_KEY[d], "China-Central Asia", "K2;K1;K142;K158;K159;A-cadir;A-caorigin;A-cadest;A-caxinjiang")
            add(d, o, "cn_ca", CN_CA_EB * ca_o[o] * CA_DEST_KEY[d], "China-Central Asia", "K2;K1;K142;K158;K159;A-cadir;A-caorigin;A-cadest;A-caxinjiang")
    cau_o = {z: (1.0 - CAU_XIAN_SHARE) * s for z, s in cre_o.items()}
    cau_o["XIA"] += CAU_XIAN_SHARE
    for o in cau_o:
        for d in CAU_DEST_KEY:
            add(o, d, "cn_cau", CN_CAU_WB * cau_o[o] * CAU_DEST_KEY[d], "China-Caucasus", "K15;S47;K30;A-caudest")
    out = []
    for (o, d, c) in sorted(rows):
        teu, market, src = rows[(o, d, c)]
        out.append((o, d, c, int(round(teu)), market, ";".join(sorted(src))))
    return out


def observed_rows():
    # target, scenario, measure, ids, of, commodity, direction, value, sd, src, note
    r = []

    def add(name, measure, ids, value, sd, src, note, of="", commodity="", scenario="", direction=""):
        r.append((name, scenario, measure, ids, of, commodity, direction, value, sd, src, note))

    add("alashankou", "node", "AKU", round(AKU_TEU), round(0.10 * AKU_TEU), "K47",
        "621,500 TEU in+out to 26 Nov 2024, full year pro rata; CRE-EU + CRE-CA")
    add("horgos", "node", "HRG", round(HRG_TEU), round(0.20 * HRG_TEU), "M55;K50;K2",
        "~8,600 trains x 86 TEU (35% CRE-EU at 107, 65% CRE-CA at 74); low reliability")
    add("erenhot", "node", "EHT", round(EHT_TEU), round(0.10 * EHT_TEU), "M87;K51", "~3,250 trains")
    add("manzhouli", "node", "MZL", round(MZL_TEU), round(0.15 * MZL_TEU), "K56;K53;K45",
        "420 k TEU to mid-Oct 2023, full year pro rata, +6% in 2024")
    add("poland_entry_westbound", "node", "MLS+KUZ", round(ERA_WB_VIA_POLAND), round(0.10 * ERA_WB_VIA_POLAND), "M42",
        "China -> EU rail transit entering the EU via Poland (88.6% of 330,704)", commodity="cn_eu")
    add("poland_entry_eastbound", "node", "MLS+KUZ", round(ERA_EB_VIA_POLAND), round(0.20 * ERA_EB_VIA_POLAND), "M42",
        "EU -> China rail transit, Poland's westbound share applied", commodity="eu_cn")
    add("malaszewicze_share", "share", "MLS", MLS_SHARE, 0.055, "S24;S25;T21",
        "Malaszewicze's share of the Polish-Belarusian crossings, westbound: 79% (2020), 68% (2021)",
        of="MLS+KUZ", commodity="cn_eu")
    add("middle_corridor", "node", "ALY", round(TITR_CN_EU), round(0.20 * TITR_CN_EU), "S47;K15",
        "China -> Europe via the Trans-Caspian route", commodity="cn_eu")
    add("sea_westbound", "node", "SUZ+CPT", round(SEA_CN_EU_WB), round(0.10 * SEA_CN_EU_WB), "K21;M2",
        "China -> Europe by sea (via Suez or the Cape)", commodity="cn_eu")
    add("suez_share", "share", "SUZ", SUEZ_SHARE_2024, 0.10, "M7;M9",
        "Suez's share of China -> Europe sea in 2024: the mainline loops sailed round the Cape", of="SUZ+CPT",
        commodity="cn_eu")
    add("sea_eastbound", "node", "SUZ+CPT", round(SEA_EU_CN_EB), round(0.20 * SEA_EU_CN_EB), "K155;K156",
        "Europe -> China by sea", commodity="eu_cn")
    add("poland_entry_westbound_2023", "node", "MLS+KUZ", round(ERA_WB_2023 * ERA_WB_VIA_POLAND / ERA_WB),
        round(0.15 * ERA_WB_2023 * ERA_WB_VIA_POLAND / ERA_WB), "M42",
        "2023: China -> EU rail transit via Poland (westbound 143.3 k, Poland's share as in 2024), with Suez open and "
        "sea at 2023 rates", commodity="cn_eu", scenario="market_2023.yaml")
    return r


def write(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(row)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(buf.getvalue())
    os.replace(tmp, path)


def main(argv):
    market = market_rows()
    observed = observed_rows()
    write(OUT_MARKET, ["origin", "destination", "commodity", "teu_per_year", "market", "src"], market)
    write(OUT_OBSERVED, ["target", "scenario", "measure", "ids", "of", "commodity", "direction", "value", "sd", "src",
                         "note"], observed)
    if "--summary" in argv:
        from collections import defaultdict
        tot = defaultdict(float)
        for o, d, c, teu, m, s in market:
            tot[c] += teu
        for c in sorted(tot):
            print("%-7s %12.0f TEU/yr" % (c, tot[c]))
        print("CN-RU WB %.0f EB %.0f; CN-CA WB %.0f EB %.0f; CN-CAU %.0f" % (CN_RU_WB, CN_RU_EB, CN_CA_WB, CN_CA_EB, CN_CAU_WB))
        print("sea origin key:", {k: round(v, 4) for k, v in zone_share(SEA_ORIGIN_KEY).items()})
        print("CRE origin key:", {k: round(v, 4) for k, v in zone_share(CRE_ORIGIN_TRAINS).items()})
        print("CA origin key:", {k: round(v, 4) for k, v in ca_origin_key().items()})
        for row in observed:
            print("target", row)
    print("wrote %d market rows, %d calibration targets" % (len(market), len(observed)))


if __name__ == "__main__":
    main(sys.argv[1:])
