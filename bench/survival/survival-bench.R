# survival-bench.R -- times R's survival package and the Java engine (analyze --bench) on the same
# simulated data, same machine, same run, and prints both with their ratio.
#
# Usage, from the repository root after `mvn -q -DskipTests package`:
#     Rscript bench/survival/survival-bench.R [n ...]        # default: 100000 1000000
# Needs R with `survival` and `jsonlite` (Debian: r-cran-survival r-cran-jsonlite) and Java 17.
# Environment: BENCH_DIR (where the CSVs go, default a temp folder), BENCH_R_RUNS (R repetitions, 3),
# BENCH_JAVA_RUNS (Java repetitions after the first, 5), BENCH_JAVA_OPTS (extra JVM flags),
# BENCH_ROUND (decimals the times are rounded to, 1; "none" keeps them continuous: no ties, n distinct times).
#
# Data (set.seed(20240611 + n)): 5 covariates -- x1 ~ Bernoulli(0.5), x2 ~ Bernoulli(0.3), x3, x4 ~ N(0, 1),
# x5 ~ U(0, 1) -- and a 3-level arm; exponential event times with hazard 0.01 exp(lp), lp = 0.5 x1 - 0.3 x2 +
# 0.2 x3 + 0.1 x4 - 0.4 x5 + arm effect, uniform censoring on (0, 300), times rounded to 0.1 (so there are
# tied times, as in real follow-up; BENCH_ROUND=none: continuous). Both sides read the same CSV: R times the fit calls on read.csv's data
# frame, Java the fits after loading (analyze --bench times the fits alone).
# Fits timed: survfit(Surv(time, status) ~ arm), survdiff(Surv(time, status) ~ arm),
# coxph(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5, ties = "efron") (which includes its concordance).

suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
sizes <- if (length(args)) as.numeric(args) else c(1e5, 1e6)
bench_dir <- Sys.getenv("BENCH_DIR", tempdir())
r_runs <- as.integer(Sys.getenv("BENCH_R_RUNS", "3"))
java_runs <- as.integer(Sys.getenv("BENCH_JAVA_RUNS", "5"))
java_opts <- Sys.getenv("BENCH_JAVA_OPTS", "")
round_to <- Sys.getenv("BENCH_ROUND", "1")
jar <- "adapter/target/llm-fhir-adapter.jar"
if (!file.exists(jar)) stop("build first: mvn -q -DskipTests package (", jar, " not found)")
dir.create(bench_dir, showWarnings = FALSE, recursive = TRUE)

simulate <- function(n, path) {
  set.seed(20240611 + n)
  x1 <- rbinom(n, 1, 0.5); x2 <- rbinom(n, 1, 0.3)
  x3 <- rnorm(n); x4 <- rnorm(n); x5 <- runif(n)
  arm <- sample(c("A", "B", "C"), n, replace = TRUE)
  lp <- 0.5 * x1 - 0.3 * x2 + 0.2 * x3 + 0.1 * x4 - 0.4 * x5 + c(A = 0, B = 0.2, C = -0.1)[arm]
  event <- rexp(n, 0.01 * exp(lp)); censor <- runif(n, 0, 300)
  t <- pmax(pmin(event, censor), 0.1)
  t <- if (round_to == "none") signif(t, 15) else round(t, as.integer(round_to))
  d <- data.frame(time = t, status = as.integer(event <= censor), arm = arm, x1 = x1, x2 = x2,
                  x3 = round(x3, 6), x4 = round(x4, 6), x5 = round(x5, 6))
  write.csv(d, path, row.names = FALSE, quote = FALSE)
}

time_r <- function(expr_text, d) {
  secs <- numeric(r_runs)
  for (i in seq_len(r_runs)) {
    gc()
    secs[i] <- system.time(eval(parse(text = expr_text)))[["elapsed"]]
  }
  secs
}

cat(sprintf("%s; survival %s; %s; %d cores\n", R.version.string, packageVersion("survival"),
            system2("java", "-version", stdout = TRUE, stderr = TRUE)[1], parallel::detectCores()))
rows <- list()
for (n in sizes) {
  path <- file.path(bench_dir, sprintf("survival-bench-%d-round-%s.csv", as.integer(n), round_to))
  if (!file.exists(path)) simulate(n, path)
  d <- read.csv(path)
  cat(sprintf("\nn = %d (%s): %d events, %d distinct times\n", nrow(d), path, sum(d$status), length(unique(d$time))))

  r <- list(
    km = time_r("survfit(Surv(time, status) ~ arm, data = d)", d),
    logrank = time_r("survdiff(Surv(time, status) ~ arm, data = d)", d),
    cox = time_r("coxph(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5, data = d, ties = 'efron')", d))
  r[["km+logrank"]] <- r$km + r$logrank

  java_args <- c(strsplit(java_opts, " +")[[1]], "-jar", jar, "analyze", "--csv", path, "--time", "time",
                 "--event", "status", "--group", "arm", "--covariates", "x1,x2,x3,x4,x5", "--bench",
                 "--bench-runs", java_runs, "--format", "json")
  java_args <- java_args[nzchar(java_args)]
  out <- system2("java", java_args, stdout = TRUE)
  if (!is.null(attr(out, "status"))) stop("java failed: ", paste(out, collapse = "\n"))
  j <- fromJSON(paste(out, collapse = "\n"))$bench$fits

  for (fit in c("km", "logrank", "km+logrank", "cox")) {
    jf <- j[[fit]]
    rows[[length(rows) + 1]] <- data.frame(
      n = as.integer(n), fit = fit, R_median_s = median(r[[fit]]), java_first_s = jf$first_s,
      java_median_s = jf$median_s, ratio_first = median(r[[fit]]) / jf$first_s,
      ratio_median = median(r[[fit]]) / jf$median_s, java_alloc_B_per_row = round(jf$alloc_bytes_per_row))
  }
  print(do.call(rbind, rows[(length(rows) - 3):length(rows)]), row.names = FALSE, digits = 3)
}
cat(sprintf("\nR: median of %d runs; Java: first run in a fresh JVM and median of %d further runs.",
            r_runs, java_runs),
    "ratio = R time / Java time (above 1: Java faster).\n")
