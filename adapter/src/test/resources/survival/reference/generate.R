# generate.R -- reference values from R's `survival` package for the Java survival engine
# (Kaplan-Meier, log-rank, Cox PH) of llm-fhir-adapter.
#
# How to run (from this folder):
#     Rscript generate.R
# Needs R with the packages `survival` and `jsonlite` only
# (Debian: apt-get install r-base-core r-cran-survival r-cran-jsonlite).
#
# What it writes: one JSON file per case into the folder this script lives in
# (km-*.json, logrank-*.json, cox-*.json, identity-*.json), overwriting earlier
# copies. Each file holds its provenance (R/survival versions, the exact R calls),
# the options of the call, the data R was given (column-oriented, NA as null, the
# event column coded 1 = event / 0 = censored) and R's results under "expected".
# Doubles are written with the fewest of 15/16/17 significant digits that
# round-trip exactly (whole numbers plainly); non-finite results are written as the strings
# "NA", "Inf", "-Inf" (R's NaN is written as "NA" too). After writing, every file
# is read back with jsonlite and compared with the values in memory (must be
# identical up to 1e-15 relative); the script stops with an error otherwise.
# The only randomness (a noise covariate) is fixed with set.seed().

suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
OUT_DIR <- if (length(file_arg) == 1) dirname(normalizePath(file_arg)) else getwd()

R_VERSION <- R.version.string
SURVIVAL_VERSION <- packageDescription("survival")$Version
JSONLITE_VERSION <- packageDescription("jsonlite")$Version
CONF_INT <- 0.95
PROBS <- c(0.25, 0.5, 0.75)

# ---------------------------------------------------------------------------
# JSON writer: exact doubles, "NA"/"Inf"/"-Inf" strings (or null inside "data")
# ---------------------------------------------------------------------------

fmt_num <- function(x, na_null) {
  if (is.na(x)) return(if (na_null) "null" else "\"NA\"")  # NA and NaN
  if (is.infinite(x)) return(if (x > 0) "\"Inf\"" else "\"-Inf\"")
  if (x == 0) return("0")
  if (x == trunc(x) && abs(x) < 1e15) return(sprintf("%.0f", x))
  num_txt(x)
}

# Shortest of %.15g / %.16g / %.17g that reads back as the same double (the
# read-back check below, through jsonlite's C strtod, confirms every value).
num_txt <- function(x) {
  for (p in c("%.15g", "%.16g")) {
    s <- sprintf(p, x)
    if (as.numeric(s) == x) return(s)
  }
  sprintf("%.17g", x)
}
vec_txt <- function(v) paste(vapply(v, function(x) if (x == trunc(x)) sprintf("%.0f", x) else num_txt(x), ""), collapse = ", ")

fmt_str <- function(s, na_null) {
  if (is.na(s)) return(if (na_null) "null" else "\"NA\"")
  as.character(toJSON(s, auto_unbox = TRUE))
}

fmt_atom <- function(v, na_null) {
  if (is.factor(v)) v <- as.character(v)
  if (is.logical(v)) {
    return(vapply(v, function(b) if (is.na(b)) (if (na_null) "null" else "\"NA\"")
                  else if (b) "true" else "false", ""))
  }
  if (is.character(v)) return(vapply(v, fmt_str, "", na_null = na_null))
  if (is.integer(v)) return(vapply(v, function(i) if (is.na(i)) (if (na_null) "null" else "\"NA\"")
                                   else as.character(i), ""))
  vapply(as.double(v), fmt_num, "", na_null = na_null)
}

is_flat <- function(x) is.list(x) && all(vapply(x, function(e) is.null(e) || (is.atomic(e) && length(e) <= 1 && !inherits(e, "AsIs")), TRUE))

to_json <- function(x, indent = 0, na_null = FALSE) {
  pad <- strrep("  ", indent)
  pad2 <- strrep("  ", indent + 1)
  if (is.null(x)) return("null")
  if (is.atomic(x)) {
    parts <- fmt_atom(x, na_null)
    if (length(x) == 1 && !inherits(x, "AsIs")) return(unname(parts))
    return(paste0("[", paste(parts, collapse = ", "), "]"))
  }
  stopifnot(is.list(x))
  nm <- names(x)
  if (!is.null(nm)) {
    if (length(x) == 0) return("{}")
    if (is_flat(x)) {
      body <- vapply(seq_along(x), function(i) paste0(fmt_str(nm[i], FALSE), ": ", to_json(x[[i]], 0, na_null)), "")
      return(paste0("{", paste(body, collapse = ", "), "}"))
    }
    body <- vapply(seq_along(x), function(i) {
      paste0(pad2, fmt_str(nm[i], FALSE), ": ",
             to_json(x[[i]], indent + 1, na_null || identical(nm[i], "data")))
    }, "")
    return(paste0("{\n", paste(body, collapse = ",\n"), "\n", pad, "}"))
  }
  if (length(x) == 0) return("[]")
  body <- vapply(x, function(e) paste0(pad2, to_json(e, indent + 1, na_null)), "")
  paste0("[\n", paste(body, collapse = ",\n"), "\n", pad, "]")
}

# Compare what was written with what jsonlite reads back.
check_same <- function(mem, disk, path, na_null = FALSE) {
  if (is.null(mem)) {
    if (!is.null(disk)) stop("mismatch (null) at ", path)
    return(invisible(0L))
  }
  if (is.atomic(mem)) {
    if (is.factor(mem)) mem <- as.character(mem)
    disk <- if (length(mem) == 1 && !inherits(mem, "AsIs")) list(disk) else disk
    if (length(disk) != length(mem)) stop("length mismatch at ", path)
    for (i in seq_along(mem)) {
      m <- mem[[i]]
      d <- disk[[i]]
      if (is.na(m)) {
        ok <- if (na_null) is.null(d) else identical(d, "NA")
      } else if (is.numeric(m) && is.infinite(m)) {
        ok <- identical(d, if (m > 0) "Inf" else "-Inf")
      } else if (is.numeric(m)) {
        ok <- is.numeric(d) && (d == m || abs(d - m) <= 1e-15 * abs(m))
        if (ok && d != m) n_inexact <<- n_inexact + 1
      } else if (is.logical(m)) {
        ok <- identical(d, m)
      } else {
        ok <- identical(d, as.character(m))
      }
      if (!ok) stop("value mismatch at ", path, "[", i, "]: ", format(m, digits = 17), " vs ", format(d, digits = 17))
    }
    return(invisible(0L))
  }
  nm <- names(mem)
  if (length(mem) != length(disk)) stop("length mismatch at ", path)
  for (i in seq_along(mem)) {
    key <- if (is.null(nm)) i else nm[i]
    check_same(mem[[i]], disk[[key]], paste0(path, "/", key), na_null || identical(key, "data"))
  }
  invisible(0L)
}

n_inexact <- 0
written <- character(0)

write_case <- function(name, kind, call, note, options, data, expected) {
  obj <- list(
    provenance = list(generator = "generate.R", r_version = R_VERSION,
                      survival_version = SURVIVAL_VERSION, call = call, note = note),
    kind = kind, options = options, data = data, expected = expected)
  path <- file.path(OUT_DIR, paste0(name, ".json"))
  writeLines(to_json(obj), path, useBytes = TRUE)
  back <- fromJSON(path, simplifyVector = FALSE)
  check_same(obj, back, name)
  written <<- c(written, basename(path))
  invisible(obj)
}

# Capture warnings (text) while evaluating an expression.
with_warnings <- function(expr_text, env) {
  warns <- character(0)
  value <- withCallingHandlers(eval(parse(text = expr_text), envir = env),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    })
  list(value = value, warnings = warns)
}

as_data <- function(d) {
  out <- lapply(d, function(col) if (is.factor(col)) as.character(col) else col)
  lapply(out, function(col) I(col))
}

# ---------------------------------------------------------------------------
# Data sets (the event column recoded to 1/0 where R ships 1/2)
# ---------------------------------------------------------------------------

lung_d <- with(survival::lung, data.frame(time = time, status = as.integer(status - 1),
  age = age, sex = sex, ph_ecog = ph.ecog))
veteran_d <- with(survival::veteran, data.frame(time = time, status = as.integer(status),
  trt = trt, karno = karno, celltype = celltype))
ovarian_d <- with(survival::ovarian, data.frame(futime = futime, fustat = as.integer(fustat),
  age = age, ecog_ps = ecog.ps, rx = rx))
aml_d <- with(survival::aml, data.frame(time = time, status = as.integer(status), x = x))

# ---------------------------------------------------------------------------
# Kaplan-Meier
# ---------------------------------------------------------------------------

level_of <- function(stratum_name) sub("^[^=]*=", "", stratum_name)

km_case <- function(name, d, time = "time", event = "status", group = NULL,
                    conf_type = "log", landmarks = NULL, rmean = "individual",
                    note = "", dataset = "") {
  rhs <- if (is.null(group)) "1" else group
  rmean_txt <- if (is.numeric(rmean)) vec_txt(rmean) else sprintf("\"%s\"", rmean)
  fit_txt <- sprintf("survfit(Surv(%s, %s) ~ %s, data = d, conf.type = \"%s\", conf.int = %s)",
                     time, event, rhs, conf_type, format(CONF_INT))
  q_txt <- "quantile(fit, probs = c(0.25, 0.5, 0.75), conf.int = TRUE)"
  rm_txt <- sprintf("summary(fit, rmean = %s)$table", rmean_txt)
  lm_txt <- if (is.null(landmarks)) NULL else
    sprintf("summary(fit[i], times = c(%s), extend = TRUE)  # for each curve i", vec_txt(landmarks))
  env <- new.env()
  env$d <- d
  fw <- with_warnings(fit_txt, env)
  fit <- fw$value
  env$fit <- fit
  q <- eval(parse(text = q_txt), envir = env)
  tab <- eval(parse(text = rm_txt), envir = env)
  end_time <- survival:::survmean(fit, rmean = rmean)$end.time

  nstrata <- if (is.null(fit$strata)) 1 else length(fit$strata)
  keys <- if (is.null(fit$strata)) "all" else level_of(names(fit$strata))
  expected <- list()
  for (i in seq_len(nstrata)) {
    cf <- if (is.null(fit$strata)) fit else fit[i]
    # steps: every distinct time, as survfit stores them
    sm <- summary(cf, censored = TRUE)
    stopifnot(isTRUE(all.equal(sm$time, cf$time, tolerance = 0)),
              isTRUE(all.equal(sm$surv, cf$surv, tolerance = 0)),
              isTRUE(all.equal(sm$n.risk, cf$n.risk, tolerance = 0)))
    steps <- lapply(seq_along(cf$time), function(k) list(
      time = cf$time[k], n_risk = cf$n.risk[k], n_event = cf$n.event[k], n_censor = cf$n.censor[k],
      surv = cf$surv[k], std_err = cf$std.err[k], lower = cf$lower[k], upper = cf$upper[k]))
    qrow <- function(part, j) if (nstrata == 1) q[[part]][j] else q[[part]][i, j]
    quant <- list()
    for (j in seq_along(PROBS)) {
      quant[[format(PROBS[j])]] <- list(estimate = unname(qrow("quantile", j)),
                                         lower = unname(qrow("lower", j)), upper = unname(qrow("upper", j)))
    }
    trow <- if (nstrata == 1) tab else tab[i, ]
    tau <- end_time[i]
    stopifnot(if (is.numeric(rmean)) tau == rmean else tau == max(cf$time))
    entry <- list(
      n = unname(trow["records"]), events = unname(trow["events"]),
      steps = steps,
      median = quant[["0.5"]],
      quantiles = quant,
      rmean = list(rmean = unname(trow["rmean"]), se = unname(trow["se(rmean)"]), tau = tau),
      median_summary_table = list(estimate = unname(trow["median"]),
                                  lower = unname(trow[paste0(CONF_INT, "LCL")]),
                                  upper = unname(trow[paste0(CONF_INT, "UCL")])))
    if (!is.null(landmarks)) {
      ls <- summary(cf, times = landmarks, extend = TRUE)
      stopifnot(length(ls$time) == length(landmarks))
      entry$landmarks <- lapply(seq_along(landmarks), function(k) {
        t <- landmarks[k]
        idx <- which(cf$time <= t)
        # std.err of -log S at t, read off the step table (0 before the first time)
        se_cumhaz <- if (length(idx) == 0) 0 else cf$std.err[max(idx)]
        s_here <- if (length(idx) == 0) 1 else cf$surv[max(idx)]
        stopifnot(ls$surv[k] == s_here)
        list(time = t, surv = ls$surv[k], std_err = se_cumhaz, std_err_surv = ls$std.err[k],
             lower = ls$lower[k], upper = ls$upper[k], n_risk = ls$n.risk[k])
      })
    }
    expected[[keys[i]]] <- entry
  }
  cols <- c(time, event, group)
  options <- list(
    time = time, event = event, group = if (is.null(group)) NULL else group,
    group_levels = if (is.null(group)) NULL else I(keys),
    conf_type = conf_type, conf_int = CONF_INT,
    rmean = if (is.numeric(rmean)) rmean else "individual",
    landmarks = if (is.null(landmarks)) NULL else I(landmarks),
    quantile_probs = I(PROBS), dataset = dataset)
  options <- options[!vapply(options, is.null, TRUE)]
  call <- I(c(paste0("fit <- ", fit_txt), q_txt, rm_txt, lm_txt))
  write_case(name, "km", call, note, options, as_data(d[, cols, drop = FALSE]), expected)
}

KM_NOTE <- paste(
  "steps = survfit rows (every distinct time, same rows as summary(fit, censored = TRUE));",
  "std_err = fit$std.err = std error of the cumulative hazard -log S (Greenwood: sqrt(cumsum(d/(n*(n-d))))), Inf once S = 0;",
  "median/quantiles from quantile(); median_summary_table = median and CI from print/summary(fit)$table (different rule, see README);",
  "landmarks from summary(fit, times, extend = TRUE): std_err is -log S scale read off the step table, std_err_surv is summary's std.err (se of S = std_err * surv).")

lung_marks <- c(90, 180, 365, 730, 1000, 1100)
for (ct in c("log", "log-log", "plain")) {
  tag <- gsub("-", "", ct)
  km_case(paste0("km-lung-all-", tag), lung_d, conf_type = ct, landmarks = lung_marks,
          note = KM_NOTE, dataset = "survival::lung (status recoded 2/1 -> 1/0)")
  km_case(paste0("km-lung-sex-", tag), lung_d, group = "sex", conf_type = ct, landmarks = lung_marks,
          note = KM_NOTE, dataset = "survival::lung (status recoded 2/1 -> 1/0)")
}
km_case("km-lung-sex-log-rmean1000", lung_d, group = "sex", conf_type = "log", rmean = 1000,
        landmarks = c(1000),
        note = paste(KM_NOTE, "rmean restricted to the common tau = 1000; sex 2's last time is 965 so its curve is extended flat to 1000."),
        dataset = "survival::lung (status recoded 2/1 -> 1/0)")
km_case("km-veteran-celltype-log", veteran_d, group = "celltype", conf_type = "log",
        landmarks = c(30, 90, 180, 365, 1000), note = KM_NOTE, dataset = "survival::veteran")
km_case("km-ovarian-all-log", ovarian_d, time = "futime", event = "fustat", conf_type = "log",
        landmarks = c(365, 730, 1095), note = KM_NOTE, dataset = "survival::ovarian")
km_case("km-aml-x-log", aml_d, group = "x", conf_type = "log",
        landmarks = c(12, 24, 48, 200), note = KM_NOTE, dataset = "survival::aml")
km_case("km-aml-x-loglog", aml_d, group = "x", conf_type = "log-log",
        landmarks = c(12, 24, 48, 200), note = KM_NOTE, dataset = "survival::aml")

# --- KM edge cases on tiny hand-made data ----------------------------------

edge_marks <- c(0.5, 2, 3.5, 100)

d_plateau <- data.frame(time = c(1, 2, 3, 4, 5, 6), status = c(1L, 1L, 1L, 0L, 1L, 1L))
km_case("km-edge-median-plateau", d_plateau, landmarks = edge_marks,
        note = paste("S = 5/6*4/5*3/4 = 0.5 (to rounding) from t = 3 until the death at t = 5 (censoring at 4 in between):",
                     "quantile() gives the plateau midpoint (3 + 5)/2 = 4; the censored time 4 plays no part.", KM_NOTE),
        dataset = "hand-made")
d_plateau_end <- data.frame(time = c(1, 2, 3, 4), status = c(1L, 1L, 0L, 0L))
km_case("km-edge-median-plateau-end", d_plateau_end, landmarks = edge_marks,
        note = paste("S = 0.5 from t = 2 to the end (last time 4, censored): quantile() gives (2 + 4)/2 = 3",
                     "(midpoint with the last time of the curve), while summary(fit)$table's median gives 2.", KM_NOTE),
        dataset = "hand-made")
d_not_reached <- data.frame(time = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                            status = c(1L, 0L, 1L, 0L, 0L, 0L, 1L, 0L, 0L, 0L))
km_case("km-edge-median-not-reached", d_not_reached, landmarks = edge_marks,
        note = paste("S never falls to 0.5: median estimate and upper limit NA.", KM_NOTE), dataset = "hand-made")
d_all_cens <- data.frame(time = c(3, 1, 4, 1, 5), status = c(0L, 0L, 0L, 0L, 0L))
for (ct in c("log", "log-log", "plain")) {
  km_case(paste0("km-edge-all-censored-", gsub("-", "", ct)), d_all_cens, conf_type = ct, landmarks = edge_marks,
          note = paste("No events: S = 1 and std.err = 0 throughout; quantiles NA.", KM_NOTE), dataset = "hand-made")
}
d_zero <- data.frame(time = c(1, 2, 2, 3, 4, 5), status = c(1L, 1L, 0L, 1L, 0L, 1L))
for (ct in c("log", "log-log", "plain")) {
  km_case(paste0("km-edge-surv-zero-", gsub("-", "", ct)), d_zero, conf_type = ct, landmarks = edge_marks,
          note = paste("The last time is a death with one at risk, so S reaches 0: std.err Inf, limits NA",
                       "(R gives NaN for plain, written as NA); 0.75 quantile = 5 with upper limit NA.", KM_NOTE),
          dataset = "hand-made")
}
d_ties <- data.frame(time = c(1, 3, 3, 3, 3, 5, 6, 6, 8), status = c(1L, 1L, 1L, 0L, 0L, 1L, 0L, 1L, 0L))
km_case("km-edge-tied-death-censor", d_ties, landmarks = c(3, 6, 7),
        note = paste("Deaths and censorings at the same time (3 and 6): the censored are counted at risk at that time",
                     "(n_risk includes them) and leave just after it.", KM_NOTE), dataset = "hand-made")
d_near <- data.frame(time = c(5, 5 + 1e-10, 3, 7, 5 + 3e-8, 5 + 1e-6, 9, 7 + 1e-9, 2),
                     status = c(1L, 1L, 0L, 1L, 1L, 1L, 0L, 0L, 1L))
km_case("km-edge-near-equal-times", d_near, landmarks = c(5, 6, 7),
        note = paste("survfit (timefix = TRUE, via aeqSurv) merges times whose gap to the previous distinct time is <= sqrt(.Machine$double.eps)",
                     "absolutely or relative to mean(abs(unique times)): 5, 5+1e-10 (absolute rule) and 5+3e-8 (relative rule:",
                     "3e-8/mean(unique) <= 1.49e-8) become one time reported as 5 with 3 deaths; 5+1e-6 stays a distinct time;",
                     "7+1e-9 merges into 7. The merged time takes the smallest value of its run.", KM_NOTE),
        dataset = "hand-made")
d_unsorted <- data.frame(time = c(9, 3, 7, 3, 12, 1, 7, 5, 2, 8, 4, 6, 10, 2),
                         status = c(1L, 0L, 1L, 1L, 0L, 1L, 1L, 0L, 1L, 1L, 0L, 1L, 1L, 0L),
                         arm = c("b", "a", "a", "b", "a", "b", "b", "a", "a", "b", "b", "a", "a", "b"))
km_case("km-edge-unsorted-grouped", d_unsorted, group = "arm", landmarks = c(2, 5, 20),
        note = paste("Rows deliberately unsorted; two groups given as strings.", KM_NOTE), dataset = "hand-made")

# ---------------------------------------------------------------------------
# Log-rank (survdiff)
# ---------------------------------------------------------------------------

logrank_case <- function(name, d, group, strata = NULL, rho = 0, time = "time", event = "status",
                         note = "", dataset = "") {
  rhs <- if (is.null(strata)) group else sprintf("%s + strata(%s)", group, strata)
  txt <- sprintf("survdiff(Surv(%s, %s) ~ %s, data = d, rho = %s)", time, event, rhs, format(rho))
  env <- new.env()
  env$d <- d
  sw <- with_warnings(txt, env)
  s <- sw$value
  obs <- if (is.matrix(s$obs)) rowSums(s$obs) else s$obs
  ex <- if (is.matrix(s$exp)) rowSums(s$exp) else s$exp
  df <- sum(ex > 0) - 1
  p <- pchisq(s$chisq, df, lower.tail = FALSE)
  stopifnot(isTRUE(all.equal(p, s$pvalue, tolerance = 0)))
  n_dropped <- length(s$na.action)
  v <- unname(s$var)
  expected <- list(groups = I(level_of(names(s$n))), n = I(as.integer(s$n)),
                   observed = I(unname(obs)), expected = I(unname(ex)),
                   chisq = s$chisq, df = as.integer(df), p = p,
                   var = lapply(seq_len(nrow(v)), function(i) I(v[i, ])),
                   n_used = sum(as.integer(s$n)), n_dropped = n_dropped, warnings = I(sw$warnings))
  options <- list(time = time, event = event, group = group, strata = strata, rho = rho, dataset = dataset)
  options <- options[!vapply(options, is.null, TRUE)]
  cols <- c(time, event, group, strata)
  call <- I(c(paste0("s <- ", txt), "df <- sum(rowSums(as.matrix(s$exp)) > 0) - 1; p <- pchisq(s$chisq, df, lower.tail = FALSE)"))
  write_case(name, "logrank", call, note, options, as_data(d[, cols, drop = FALSE]), expected)
}

LR_NOTE <- paste("observed/expected summed over strata (rowSums); var = survdiff's variance matrix of O - E (summed over strata);",
                 "chisq uses the groups with expected > 0, dropping the first of them (generalised inverse);",
                 "df = (#groups with expected > 0) - 1; p = pchisq(chisq, df, lower.tail = FALSE).")
logrank_case("logrank-lung-sex-rho0", lung_d, "sex", rho = 0, note = LR_NOTE, dataset = "survival::lung (status 1/0)")
logrank_case("logrank-lung-sex-rho1", lung_d, "sex", rho = 1,
             note = paste("rho = 1 (Peto-Peto): each death time weighted by S(t-)^rho, S = KM of the pooled sample (within stratum).", LR_NOTE),
             dataset = "survival::lung (status 1/0)")
logrank_case("logrank-veteran-celltype", veteran_d, "celltype", note = LR_NOTE, dataset = "survival::veteran")
logrank_case("logrank-lung-sex-strata-ph_ecog", lung_d, "sex", strata = "ph_ecog",
             note = paste("Stratified by ph_ecog; the 1 row with ph_ecog NA is dropped by R (n_used 227 of 228).", LR_NOTE),
             dataset = "survival::lung (status 1/0)")
logrank_case("logrank-aml-x", aml_d, "x", note = LR_NOTE, dataset = "survival::aml")
d_e0 <- data.frame(time = c(0.5, 0.7, 1, 2, 3, 4, 5, 6, 2, 3, 5, 8),
                   status = c(0L, 0L, 1L, 1L, 0L, 1L, 1L, 0L, 1L, 1L, 0L, 1L),
                   grp = c("c", "c", "a", "a", "a", "a", "a", "a", "b", "b", "b", "b"))
logrank_case("logrank-edge-expected-zero", d_e0, "grp",
             note = paste("Group c is censored before the first death, so its expected count is 0: R leaves it out of the test",
                          "and df = 3 groups - 1 with expected 0 - 1 = 1.", LR_NOTE), dataset = "hand-made")
d_e0b <- d_e0[d_e0$grp != "b", ]
logrank_case("logrank-edge-one-group-expected", d_e0b, "grp",
             note = paste("Two groups, one with expected 0: fewer than 2 groups have expected > 0, so R sets chisq = 0, df = 0",
                          "and p = pchisq(0, 0, lower.tail = FALSE) = 1 (as survdiff stores it in $pvalue).", LR_NOTE), dataset = "hand-made")

# ---------------------------------------------------------------------------
# Cox proportional hazards
# ---------------------------------------------------------------------------

cox_case <- function(name, d, covariates, strata = NULL, ties = "efron", time = "time", event = "status",
                     iter_max = 20, refit_at_beta = FALSE, note = "", dataset = "", reference = NULL) {
  rhs <- paste(covariates, collapse = " + ")
  if (!is.null(strata)) rhs <- sprintf("%s + strata(%s)", rhs, strata)
  ctl <- if (iter_max != 20) sprintf(", iter.max = %d", as.integer(iter_max)) else ""
  txt <- sprintf("coxph(Surv(%s, %s) ~ %s, data = d, ties = \"%s\"%s)", time, event, rhs, ties, ctl)
  env <- new.env()
  env$d <- d
  fw <- with_warnings(txt, env)
  fit <- fw$value
  s <- summary(fit, conf.int = CONF_INT)
  cm <- s$coefficients
  ci <- s$conf.int
  terms <- lapply(seq_len(nrow(cm)), function(i) list(
    name = rownames(cm)[i], coef = cm[i, "coef"], hr = cm[i, "exp(coef)"], se = cm[i, "se(coef)"],
    z = cm[i, "z"], p = cm[i, "Pr(>|z|)"],
    hr_lower = ci[i, paste0("lower .", round(100 * CONF_INT))], hr_upper = ci[i, paste0("upper .", round(100 * CONF_INT))]))
  test <- function(v) list(chisq = unname(v["test"]), df = unname(v["df"]), p = unname(v["pvalue"]))
  # summary.coxph rounds the Wald statistic to 2 decimals for printing; take it unrounded from the fit
  wald <- test(s$waldtest)
  wald$chisq <- as.vector(fit$wald.test)
  stopifnot(wald$p == pchisq(wald$chisq, wald$df, lower.tail = FALSE))
  conc <- fit$concordance
  v <- unname(fit$var)
  expected <- list(
    terms = terms,
    loglik_null = fit$loglik[1], loglik = fit$loglik[2],
    lr_test = test(s$logtest), wald_test = wald, score_test = test(s$sctest),
    iterations = fit$iter,
    converged = fit$iter <= iter_max,
    concordance = list(estimate = unname(s$concordance[1]), se = unname(s$concordance[2]),
                       concordant = unname(conc["concordant"]), discordant = unname(conc["discordant"]),
                       tied_x = unname(conc["tied.x"]), tied_y = unname(conc["tied.y"]), tied_xy = unname(conc["tied.xy"])),
    warnings = I(fw$warnings),
    n = fit$n, events = fit$nevent,
    n_dropped = length(fit$na.action),
    var = lapply(seq_len(nrow(v)), function(i) I(v[i, ])))
  if (refit_at_beta) {
    # R's fit$var after running out of iterations is not the inverse information (see README);
    # recompute it at the returned beta with a zero-iteration fit started there.
    refit_txt <- sub("\\)$", ", init = coef(fit), iter.max = 0)", sub(", iter.max = [0-9]+", "", txt))
    env$fit <- fit
    g <- eval(parse(text = refit_txt), envir = env)
    stopifnot(identical(unname(coef(g)), unname(coef(fit))), g$loglik[2] == fit$loglik[2])
    vg <- unname(g$var)
    b <- unname(coef(fit))
    se <- sqrt(diag(vg))
    zq <- qnorm(1 - (1 - CONF_INT) / 2)
    wchi <- drop(t(b) %*% solve(vg, b))
    expected$at_final_beta <- list(
      call = paste0("g <- ", refit_txt, "; se = sqrt(diag(g$var)); z = coef/se; p = 2*pnorm(-abs(z)); hr_lower/upper = exp(coef -/+ qnorm(0.975)*se); Wald = coef' solve(g$var) coef"),
      terms = lapply(seq_along(b), function(i) list(name = covariates[i], coef = b[i], hr = exp(b[i]), se = se[i],
        z = b[i] / se[i], p = 2 * pnorm(-abs(b[i] / se[i])),
        hr_lower = exp(b[i] - zq * se[i]), hr_upper = exp(b[i] + zq * se[i]))),
      wald_test = list(chisq = wchi, df = length(b), p = pchisq(wchi, length(b), lower.tail = FALSE)),
      var = lapply(seq_len(nrow(vg)), function(i) I(vg[i, ])))
  }
  options <- list(time = time, event = event, covariates = I(covariates), strata = strata, ties = ties,
                  conf_int = CONF_INT, iter_max = iter_max, eps = 1e-9, dataset = dataset, reference = reference)
  options <- options[!vapply(options, is.null, TRUE)]
  cols <- c(time, event, covariates, strata)
  call <- I(c(paste0("fit <- ", txt), sprintf("s <- summary(fit, conf.int = %s)", format(CONF_INT))))
  write_case(name, "cox", call, note, options, as_data(d[, cols, drop = FALSE]), expected)
}

COX_NOTE <- paste(
  "terms from summary(fit)$coefficients / $conf.int; loglik_null = loglik at beta = 0, loglik at the final beta;",
  "iterations = fit$iter (Newton steps; R reports iter.max + 1 when it runs out); converged = iterations <= iter_max;",
  "concordance from summary(fit)$concordance (C and its infinitesimal-jackknife se; counts from fit$concordance);",
  "var = fit$var (inverse information); rows with NA in any used column are dropped by R (n_dropped).")

cox_case("cox-lung-age-sex-ph_ecog-efron", lung_d, c("age", "sex", "ph_ecog"), ties = "efron",
         note = paste("1 row with ph_ecog NA dropped (n = 227).", COX_NOTE), dataset = "survival::lung (status 1/0)")
cox_case("cox-lung-age-sex-ph_ecog-breslow", lung_d, c("age", "sex", "ph_ecog"), ties = "breslow",
         note = paste("1 row with ph_ecog NA dropped (n = 227).", COX_NOTE), dataset = "survival::lung (status 1/0)")

vet_dum <- data.frame(time = veteran_d$time, status = veteran_d$status, trt = veteran_d$trt, karno = veteran_d$karno,
                      celltype_smallcell = as.integer(veteran_d$celltype == "smallcell"),
                      celltype_adeno = as.integer(veteran_d$celltype == "adeno"),
                      celltype_large = as.integer(veteran_d$celltype == "large"),
                      celltype = veteran_d$celltype)
cox_case("cox-veteran-trt-karno-celltype-efron", vet_dum,
         c("trt", "karno", "celltype_smallcell", "celltype_adeno", "celltype_large"), ties = "efron",
         note = paste("celltype as 0/1 dummies, reference level squamous (same fit as the factor; trt is 1/2 as shipped).", COX_NOTE),
         dataset = "survival::veteran")
cox_case("cox-ovarian-age-ecog_ps-rx-efron", ovarian_d, c("age", "ecog_ps", "rx"), time = "futime", event = "fustat",
         ties = "efron", note = COX_NOTE, dataset = "survival::ovarian")
cox_case("cox-lung-age-sex-strata-ph_ecog-efron", lung_d, c("age", "sex"), strata = "ph_ecog", ties = "efron",
         note = paste("Stratified by ph_ecog (separate baseline hazards, risk sets and concordance pairs within strata);",
                      "1 row with ph_ecog NA dropped (n = 227).", COX_NOTE), dataset = "survival::lung (status 1/0)")
cox_case("cox-veteran-trt-karno-strata-celltype-efron", vet_dum, c("trt", "karno"), strata = "celltype", ties = "efron",
         note = paste("Stratified by celltype.", COX_NOTE), dataset = "survival::veteran")

# Label columns as covariates: R codes them with factor(), levels sorted (collation C, as the adapter sorts:
# by code point), the first the reference, treatment contrasts; relevel() names another reference.
invisible(Sys.setlocale("LC_COLLATE", "C"))
FACTOR_NOTE <- "celltype read as labels and coded as factor() codes a character column: levels sorted, treatment contrasts."
vet_fac <- data.frame(time = veteran_d$time, status = veteran_d$status, trt = veteran_d$trt, karno = veteran_d$karno,
                      celltype = factor(as.character(veteran_d$celltype)))
cox_case("cox-veteran-trt-karno-celltype-factor-efron", vet_fac, c("trt", "karno", "celltype"), ties = "efron",
         note = paste(FACTOR_NOTE, "Reference: adeno, the first level.", COX_NOTE), dataset = "survival::veteran")
vet_ref <- vet_fac
vet_ref$celltype <- relevel(vet_fac$celltype, ref = "squamous")
cox_case("cox-veteran-trt-karno-celltype-factor-ref-squamous-efron", vet_ref, c("trt", "karno", "celltype"),
         ties = "efron", reference = list(celltype = "squamous"),
         note = paste(FACTOR_NOTE, "Reference: squamous, by relevel() (the same fit as the 0/1 dummies case).", COX_NOTE),
         dataset = "survival::veteran")
lung_fac <- data.frame(time = lung_d$time, status = lung_d$status, age = lung_d$age,
                       sex = factor(ifelse(lung_d$sex == 1, "male", "female")), ph_ecog = lung_d$ph_ecog)
cox_case("cox-lung-age-sex-factor-ph_ecog-efron", lung_fac, c("age", "sex", "ph_ecog"), ties = "efron",
         note = paste("sex as the labels male (1) and female (2), coded by factor(): female is the reference.",
                      "1 row with ph_ecog NA dropped (n = 227).", COX_NOTE), dataset = "survival::lung (status 1/0)")

set.seed(20240611)
lung_noise <- data.frame(time = lung_d$time, status = lung_d$status, noise = round(rnorm(nrow(lung_d)), 4))
cox_case("cox-lung-noise-efron", lung_noise, c("noise"), ties = "efron",
         note = paste("Null-ish single covariate: noise = round(rnorm(228), 4) after set.seed(20240611), unrelated to survival.", COX_NOTE),
         dataset = "survival::lung time/status + generated noise")
cox_case("cox-lung-sex-efron", lung_d, c("sex"), ties = "efron",
         note = paste("Compare its score test with logrank-lung-sex-rho0 (see identity-lung-sex-score-vs-logrank).", COX_NOTE),
         dataset = "survival::lung (status 1/0)")
cox_case("cox-lung-sex-breslow", lung_d, c("sex"), ties = "breslow", note = COX_NOTE, dataset = "survival::lung (status 1/0)")
cox_case("cox-lung-age-sex-ph_ecog-itermax2", lung_d, c("age", "sex", "ph_ecog"), ties = "efron", iter_max = 2,
         refit_at_beta = TRUE,
         note = paste("iter.max = 2 is too few: R warns 'Ran out of iterations and did not converge', reports iter = 3",
                      "(iter.max + 1) and returns the last accepted beta with loglik recomputed there.",
                      "In survival 3.5-3 fit$var on this path is NOT the inverse information (coxfit6.c inverts the information",
                      "matrix without factoring it first; off-diagonals come out 0), so terms[].se/z/p/hr_lower/hr_upper, wald_test",
                      "and var here are an R artefact. expected.at_final_beta holds the proper values at the same beta",
                      "(zero-iteration refit started at coef(fit)). coef, loglik, lr_test, score_test, iterations, converged,",
                      "warnings and concordance are sound.", COX_NOTE),
         dataset = "survival::lung (status 1/0)")

d_sep <- data.frame(time = c(2, 3, 3, 5, 6, 7, 8, 9, 10, 12),
                    status = c(1L, 1L, 1L, 0L, 1L, 0L, 1L, 1L, 0L, 0L),
                    x = c(1L, 1L, 1L, 1L, 1L, 0L, 0L, 0L, 0L, 0L))
SEP_NOTE <- paste("Monotone likelihood: every death while x = 1 subjects are at risk is an x = 1 subject, so beta -> +Inf.",
                  "R stops when the relative loglik change is <= 1e-9 (after ~20 Newton steps of ~1 each), warns",
                  "'Loglik converged before variable 1; coefficient may be infinite.', and reports the finite beta reached,",
                  "a huge se, Wald ~ 0 and finite LR and score tests. coef/se/Wald/hr/CI are numerically fragile (cancellation",
                  "at beta ~ 20): compare them loosely; loglik, LR, score, iterations, warnings and converged are stable.")
cox_case("cox-edge-separation-efron", d_sep, c("x"), ties = "efron", note = paste(SEP_NOTE, COX_NOTE), dataset = "hand-made")
cox_case("cox-edge-separation-breslow", d_sep, c("x"), ties = "breslow", note = paste(SEP_NOTE, COX_NOTE), dataset = "hand-made")
d_sep2 <- d_sep
d_sep2$z <- c(0.5, 1.2, -0.3, 0.8, 0.1, -1, 0.4, 2, -0.7, 0.9)
cox_case("cox-edge-separation-two-covariates-efron", d_sep2, c("x", "z"), ties = "efron",
         note = paste("As cox-edge-separation but with a second, ordinary covariate z: only variable 1 (x) is flagged.", SEP_NOTE, COX_NOTE),
         dataset = "hand-made")

# ---------------------------------------------------------------------------
# Identity: Cox score test at beta = 0 vs the log-rank statistic (lung by sex)
# ---------------------------------------------------------------------------

local({
  env <- new.env()
  env$d <- lung_d
  calls <- c(
    logrank = "survdiff(Surv(time, status) ~ sex, data = d)$chisq",
    score_efron = "summary(coxph(Surv(time, status) ~ sex, data = d, ties = \"efron\"))$sctest[[\"test\"]]",
    score_breslow = "summary(coxph(Surv(time, status) ~ sex, data = d, ties = \"breslow\"))$sctest[[\"test\"]]",
    score_exact = "summary(coxph(Surv(time, status) ~ sex, data = d, ties = \"exact\"))$sctest[[\"test\"]]",
    score_efron_iter0 = "coxph(Surv(time, status) ~ sex, data = d, ties = \"efron\", iter.max = 0)$score",
    score_breslow_iter0 = "coxph(Surv(time, status) ~ sex, data = d, ties = \"breslow\", iter.max = 0)$score")
  vals <- lapply(calls, function(t) eval(parse(text = t), envir = env))
  stopifnot(vals$score_efron == vals$score_efron_iter0, vals$score_breslow == vals$score_breslow_iter0)
  expected <- list(
    logrank_chisq = vals$logrank, cox_score_efron = vals$score_efron, cox_score_breslow = vals$score_breslow,
    cox_score_exact = vals$score_exact,
    logrank_minus_score_exact = vals$logrank - vals$score_exact,
    logrank_minus_score_efron = vals$logrank - vals$score_efron,
    logrank_minus_score_breslow = vals$logrank - vals$score_breslow)
  write_case("identity-lung-sex-score-vs-logrank", "identity", I(unname(calls)),
             paste("The Cox score test at beta = 0 (summary's sctest, identical to iter.max = 0) equals the log-rank chisq",
                   "when ties are handled exactly (ties = 'exact', i.e. the hypergeometric variance d(n-d)/(n-1) of survdiff);",
                   "with tied death times Efron and Breslow score tests differ slightly (lung has ties).",
                   "Without tied death times all agree."),
             list(time = "time", event = "status", group = "sex", covariates = I("sex"), dataset = "survival::lung (status 1/0)"),
             as_data(lung_d[, c("time", "status", "sex")]), expected)
})

# ---------------------------------------------------------------------------
# Proportional-hazards check: cox.zph (score tests of beta(t) = beta + theta * g(t), g the KM transform)
# ---------------------------------------------------------------------------

zph_case <- function(name, d, covariates, strata = NULL, ties = "efron", transform = "km", note = "", dataset = "") {
  rhs <- paste(covariates, collapse = " + ")
  if (!is.null(strata)) rhs <- sprintf("%s + strata(%s)", rhs, strata)
  txt <- sprintf("coxph(Surv(time, status) ~ %s, data = d, ties = \"%s\")", rhs, ties)
  env <- new.env()
  env$d <- d
  fit <- eval(parse(text = txt), envir = env)
  env$fit <- fit
  ztxt <- sprintf("cox.zph(fit, transform = \"%s\", terms = TRUE, global = TRUE)", transform)
  z <- eval(parse(text = ztxt), envir = env)
  tbl <- z$table
  rows <- lapply(seq_len(nrow(tbl)), function(i) list(term = rownames(tbl)[i], chisq = tbl[i, "chisq"],
    df = tbl[i, "df"], p = tbl[i, "p"]))
  expected <- list(table = rows, coef = I(unname(coef(fit))), n = fit$n, events = fit$nevent)
  options <- list(time = "time", event = "status", covariates = I(covariates), strata = strata, ties = ties,
                  transform = transform, dataset = dataset)
  options <- options[!vapply(options, is.null, TRUE)]
  cols <- c("time", "status", covariates, strata)
  write_case(name, "zph", I(c(paste0("fit <- ", txt), paste0("z <- ", ztxt))), note, options,
             as_data(d[, cols, drop = FALSE]), expected)
}

ZPH_NOTE <- paste("table = z$table (per term, a factor's columns together, then GLOBAL): the score test of adding",
  "x * g(t) at (beta-hat, 0), g = 1 - KM(t-) of all rows centred on its mean over the deaths (survival >= 3.0).")
zph_case("zph-lung-age-sex-ph_ecog-efron", lung_d, c("age", "sex", "ph_ecog"), ties = "efron",
         note = paste("1 row with ph_ecog NA dropped.", ZPH_NOTE), dataset = "survival::lung (status 1/0)")
zph_case("zph-lung-age-sex-ph_ecog-breslow", lung_d, c("age", "sex", "ph_ecog"), ties = "breslow",
         note = paste("1 row with ph_ecog NA dropped.", ZPH_NOTE), dataset = "survival::lung (status 1/0)")
zph_case("zph-veteran-trt-karno-celltype-factor-efron", vet_fac, c("trt", "karno", "celltype"), ties = "efron",
         note = paste("celltype a factor (3 columns, one term of 3 df); karno fails the test.", ZPH_NOTE),
         dataset = "survival::veteran")
zph_case("zph-veteran-trt-karno-strata-celltype-efron", vet_dum, c("trt", "karno"), strata = "celltype",
         ties = "efron", note = paste("Stratified by celltype: risk sets within strata, g over all rows.", ZPH_NOTE),
         dataset = "survival::veteran")
zph_case("zph-ovarian-age-rx-efron", with(ovarian_d, data.frame(time = futime, status = fustat, age = age, rx = rx)),
         c("age", "rx"), ties = "efron", note = ZPH_NOTE, dataset = "survival::ovarian")

# ---------------------------------------------------------------------------
# Sample quantiles (Table 1's medians and IQRs): quantile(), type 7 (R's default)
# ---------------------------------------------------------------------------

quantile_case <- function(name, x, dataset) {
  q <- quantile(x, c(0.25, 0.5, 0.75), na.rm = TRUE, type = 7)
  expected <- list(q25 = unname(q[1]), q50 = unname(q[2]), q75 = unname(q[3]), median = median(x, na.rm = TRUE))
  write_case(name, "quantile", I("quantile(x, c(0.25, 0.5, 0.75), na.rm = TRUE, type = 7); median(x, na.rm = TRUE)"),
             "NA (null) left out, as na.rm = TRUE; the adapter's Table 1 summarises the known values only.",
             list(dataset = dataset), list(x = x), expected)
}
quantile_case("quantile-lung-age", survival::lung$age, "survival::lung$age")
quantile_case("quantile-lung-meal_cal", survival::lung$meal.cal, "survival::lung$meal.cal (47 NA)")
quantile_case("quantile-ovarian-futime", survival::ovarian$futime, "survival::ovarian$futime (n = 26, even)")

cat(sprintf("R: %s; survival %s; jsonlite %s\n", R_VERSION, SURVIVAL_VERSION, JSONLITE_VERSION))
cat(sprintf("wrote %d files to %s (read back: all values equal; %d within 1e-15 but not bit-identical)\n",
            length(written), OUT_DIR, n_inexact))
