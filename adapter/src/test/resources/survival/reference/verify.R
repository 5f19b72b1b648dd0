# verify.R -- independent check of the reference files: recomputes KM, log-rank and Cox results from
# each file's "data" with plain R (no survival package; jsonlite only to read) using the rules stated
# in README.md, and compares them with "expected". Run from this folder: Rscript verify.R
# Prints the largest relative difference per file; exits non-zero if any exceeds 1e-9
# (1e-6 for the cox-edge-separation* files, whose coef/se/Wald are numerically fragile).
library(jsonlite)
args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
dir <- if (length(file_arg) == 1) dirname(normalizePath(file_arg)) else getwd()
TOL <- sqrt(.Machine$double.eps)
num <- function(x) if (is.null(x)) NA_real_ else if (is.character(x)) switch(x, "NA" = NA_real_, "Inf" = Inf, "-Inf" = -Inf) else as.numeric(x)
col <- function(v) vapply(v, function(e) if (is.null(e)) NA_real_ else if (is.character(e)) NA_real_ else as.numeric(e), 0)
colc <- function(v) vapply(v, function(e) if (is.null(e)) NA_character_ else as.character(e), "")
worst <- new.env(); worst$v <- 0; worst$where <- ""
cmp <- function(a, b, where) {  # a = mine, b = R
  stopifnot(length(a) == length(b))
  for (i in seq_along(a)) {
    if (is.na(a[i]) || is.na(b[i])) { if (!(is.na(a[i]) && is.na(b[i]))) stop("NA mismatch ", where, " ", a[i], " vs ", b[i]); next }
    if (is.infinite(a[i]) || is.infinite(b[i])) { if (a[i] != b[i]) stop("Inf mismatch ", where); next }
    r <- abs(a[i] - b[i]) / max(abs(b[i]), 1e-300)
    if (b[i] == 0) r <- abs(a[i])
    if (r > worst$v) { worst$v <- r; worst$where <- where }
    if (r > 1e-9) cat(sprintf("  DIFF %s[%d]: mine %.17g R %.17g rel %.3g\n", where, i, a[i], b[i], r))
  }
}
merge_times <- function(t) {
  y <- sort(unique(t)); dy <- diff(y)
  tied <- (dy <= TOL) | (dy / mean(abs(y)) <= TOL)
  cuts <- y[c(TRUE, !tied)]
  cuts[findInterval(t, cuts)]
}
ci <- function(s, se, type, z) {
  if (type == "log") { lo <- ifelse(s == 0, NA, exp(log(s) - z * se)); up <- ifelse(s == 0, NA, pmin(1, exp(log(s) + z * se))) }
  else if (type == "log-log") { ok <- s > 0 & s < 1; ll <- log(-log(s)); w <- z * se / log(s)
    lo <- ifelse(ok, exp(-exp(ll - w)), NA); up <- ifelse(ok, exp(-exp(ll + w)), NA) }
  else { lo <- ifelse(s == 0, NA, pmax(0, s - z * se * s)); up <- ifelse(s == 0, NA, pmin(1, s + z * se * s)) }
  list(lower = lo, upper = up)
}
# quantile rule (findq, restated)
qrule <- function(times, curve, p) {
  x <- c(0, times); y <- c(0, 1 - curve)
  keep <- !is.na(y); x2 <- x[keep]; y2 <- y[keep]
  if (max(y2) < p) return(NA)
  d <- duplicated(y2); x2 <- x2[!d]; y2 <- y2[!d]
  i1 <- which(y2 >= p - TOL)[1]; i2 <- which(y2 >= p + TOL)[1]
  if (is.na(i1)) return(NA)
  if (!is.na(i2)) return((x2[i1] + x2[i2]) / 2)
  if (abs(p - y2[length(y2)]) < TOL) return((x2[i1] + max(times)) / 2)
  NA
}
km_check <- function(f, j) {
  o <- j$options; z <- qnorm(1 - (1 - o$conf_int) / 2)
  t <- merge_times(col(j$data[[o$time]])); st <- col(j$data[[o$event]])
  g <- if (is.null(o$group)) rep("all", length(t)) else colc(j$data[[o$group]])
  for (key in names(j$expected)) {
    e <- j$expected[[key]]; tt <- t[g == key]; ss <- st[g == key]
    ut <- sort(unique(tt))
    nr <- sapply(ut, function(u) sum(tt >= u)); nd <- sapply(ut, function(u) sum(tt == u & ss == 1)); nc <- sapply(ut, function(u) sum(tt == u & ss == 0))
    s <- cumprod(1 - nd / nr)
    se <- sqrt(cumsum(ifelse(nr > nd, nd / (nr * (nr - nd)), Inf)))
    cc <- ci(s, se, o$conf_type, z)
    E <- function(k) sapply(e$steps, function(r) num(r[[k]]))
    w <- paste(f, key)
    cmp(ut, E("time"), paste(w, "time")); cmp(nr, E("n_risk"), paste(w, "n_risk")); cmp(nd, E("n_event"), paste(w, "n_event"))
    cmp(nc, E("n_censor"), paste(w, "n_censor")); cmp(s, E("surv"), paste(w, "surv")); cmp(se, E("std_err"), paste(w, "std_err"))
    cmp(cc$lower, E("lower"), paste(w, "lower")); cmp(cc$upper, E("upper"), paste(w, "upper"))
    for (p in names(e$quantiles)) {
      pp <- as.numeric(p); q <- e$quantiles[[p]]
      cmp(c(qrule(ut, s, pp), qrule(ut, cc$lower, pp), qrule(ut, cc$upper, pp)),
          c(num(q$estimate), num(q$lower), num(q$upper)), paste(w, "quantile", p))
    }
    # rmean
    tau <- num(e$rmean$tau)
    k <- ut <= tau
    tk <- c(0, ut[k], tau); sk <- c(1, s[k])
    area <- diff(tk) * sk
    hh <- ifelse(nr[k] > nd[k], nd[k] / (nr[k] * (nr[k] - nd[k])), 0)
    A <- rev(cumsum(rev(area)))[-1]   # area from each kept time to tau
    cmp(c(sum(area), sqrt(sum(A^2 * hh)), tau), c(num(e$rmean$rmean), num(e$rmean$se), tau), paste(w, "rmean"))
    if (!is.null(e$landmarks)) for (L in e$landmarks) {
      lt <- num(L$time); idx <- which(ut <= lt)
      if (length(idx) == 0) { sv <- 1; sev <- 0; lo <- 1; up <- 1 } else { m <- max(idx); sv <- s[m]; sev <- se[m]; lo <- cc$lower[m]; up <- cc$upper[m] }
      cmp(c(sv, sev, ifelse(sv == 0, NA, sev * sv), lo, up, sum(tt >= lt)),
          c(num(L$surv), num(L$std_err), num(L$std_err_surv), num(L$lower), num(L$upper), num(L$n_risk)), paste(w, "landmark", lt))
    }
  }
}
lr_check <- function(f, j) {
  o <- j$options
  t <- merge_times(col(j$data[[o$time]])); st <- col(j$data[[o$event]]); g <- colc(j$data[[o$group]])
  sv <- if (is.null(o$strata)) rep(1, length(t)) else col(j$data[[o$strata]])
  keep <- !is.na(t) & !is.na(st) & !is.na(g) & !is.na(sv); t <- t[keep]; st <- st[keep]; g <- g[keep]; sv <- sv[keep]
  lev <- unlist(j$expected$groups); G <- length(lev)
  O <- E <- numeric(G); V <- matrix(0, G, G)
  for (s0 in unique(sv)) {
    ts <- t[sv == s0]; ss <- st[sv == s0]; gs <- g[sv == s0]
    dt <- sort(unique(ts[ss == 1])); S <- 1
    for (u in dt) {
      n <- sum(ts >= u); d <- sum(ts == u & ss == 1)
      ng <- sapply(lev, function(l) sum(ts >= u & gs == l)); dg <- sapply(lev, function(l) sum(ts == u & ss == 1 & gs == l))
      wt <- S^o$rho
      O <- O + wt * dg; E <- E + wt * d * ng / n
      if (n > 1) V <- V + wt^2 * d * (n - d) / (n - 1) * (diag(ng / n) - outer(ng, ng) / n^2)
      S <- S * (1 - d / n)
    }
  }
  ok <- E > 0
  chi <- if (sum(ok) < 2) 0 else { dd <- (O - E)[ok][-1]; vv <- V[ok, ok][-1, -1, drop = FALSE]; sum(solve(vv, dd) * dd) }
  df <- sum(ok) - 1
  w <- f
  cmp(O, col(j$expected$observed), paste(w, "O")); cmp(E, col(j$expected$expected), paste(w, "E"))
  cmp(c(V), unlist(lapply(j$expected$var, col)), paste(w, "V"))
  cmp(c(chi, df, pchisq(chi, df, lower.tail = FALSE)), c(num(j$expected$chisq), num(j$expected$df), num(j$expected$p)), paste(w, "test"))
}
# Cox partial likelihood (Efron or Breslow), score, information; strata
cox_parts <- function(beta, X, t, st, strat, efron) {
  p <- ncol(X); ll <- 0; U <- numeric(p); I <- matrix(0, p, p)
  for (s0 in unique(strat)) {
    idx <- which(strat == s0)
    for (u in sort(unique(t[idx][st[idx] == 1]))) {
      R <- idx[t[idx] >= u]; D <- idx[t[idx] == u & st[idx] == 1]; d <- length(D)
      r <- exp(drop(X[R, , drop = FALSE] %*% beta)); rD <- exp(drop(X[D, , drop = FALSE] %*% beta))
      S0 <- sum(r); S1 <- colSums(r * X[R, , drop = FALSE]); S2 <- crossprod(X[R, , drop = FALSE] * sqrt(r))
      D0 <- sum(rD); D1 <- colSums(rD * X[D, , drop = FALSE]); D2 <- crossprod(X[D, , drop = FALSE] * sqrt(rD))
      ll <- ll + sum(X[D, , drop = FALSE] %*% beta); U <- U + colSums(X[D, , drop = FALSE])
      ks <- if (efron && d > 1) (0:(d - 1)) / d else rep(0, d)
      for (k in ks) {
        a0 <- S0 - k * D0; a1 <- S1 - k * D1; a2 <- S2 - k * D2
        ll <- ll - log(a0); U <- U - a1 / a0; I <- I + a2 / a0 - outer(a1, a1) / a0^2
      }
    }
  }
  list(ll = ll, U = U, I = I)
}
cox_check <- function(f, j) {
  o <- j$options; cv <- unlist(o$covariates)
  t <- col(j$data[[o$time]]); st <- col(j$data[[o$event]])
  X <- sapply(cv, function(v) col(j$data[[v]])); if (!is.matrix(X)) X <- matrix(X, ncol = length(cv))
  strat <- if (is.null(o$strata)) rep(1, length(t)) else colc(j$data[[o$strata]])
  keep <- !is.na(t) & !is.na(st) & rowSums(is.na(X)) == 0 & !is.na(strat)
  t <- merge_times(t[keep]); st <- st[keep]; X <- X[keep, , drop = FALSE]; strat <- strat[keep]
  efron <- o$ties == "efron"
  beta <- rep(0, length(cv)); P0 <- cox_parts(beta, X, t, st, strat, efron)
  score <- drop(t(P0$U) %*% solve(P0$I, P0$U))
  best <- P0$ll; newbeta <- beta + solve(P0$I, P0$U); halving <- 0; conv <- FALSE
  for (it in 1:o$iter_max) {
    P <- cox_parts(newbeta, X, t, st, strat, efron)
    if (abs(1 - best / P$ll) <= o$eps) { conv <- TRUE; beta <- newbeta; break }
    if (P$ll < best) { halving <- halving + 1; newbeta <- (newbeta + halving * beta) / (halving + 1) }
    else { halving <- 0; best <- P$ll; beta <- newbeta; newbeta <- newbeta + solve(P$I, P$U) }
  }
  if (!conv) { it <- o$iter_max + 1; P <- cox_parts(beta, X, t, st, strat, efron) }
  V <- solve(P$I)
  e <- j$expected; w <- f
  tcoef <- sapply(e$terms, function(r) num(r$coef)); tse <- sapply(e$terms, function(r) num(r$se))
  cmp(beta, tcoef, paste(w, "coef")); cmp(c(P0$ll, P$ll), c(num(e$loglik_null), num(e$loglik)), paste(w, "loglik"))
  cmp(score, num(e$score_test$chisq), paste(w, "score"))
  cmp(c(it, conv), c(num(e$iterations), as.numeric(e$converged)), paste(w, "iter/conv"))
  p <- length(beta); zq <- qnorm(0.975)
  lr <- 2 * (P$ll - P0$ll)
  cmp(c(lr, pchisq(lr, p, lower.tail = FALSE), pchisq(score, p, lower.tail = FALSE)),
      c(num(e$lr_test$chisq), num(e$lr_test$p), num(e$score_test$p)), paste(w, "lr/score p"))
  # infinite-coefficient warning: next Newton step U(beta) V large in absolute and relative terms
  stepv <- abs(drop(P$U %*% V)); flag <- which(stepv > o$eps & stepv > sqrt(o$eps) * abs(beta))
  mywarn <- if (!conv) (if (o$iter_max > 1) "Ran out of iterations and did not converge" else character(0))
            else if (length(flag)) paste("Loglik converged before variable ", paste(flag, collapse = ","), "; coefficient may be infinite. ")
            else character(0)
  if (!identical(mywarn, as.character(unlist(e$warnings)))) stop("warning mismatch ", w)
  if (conv) {
    se <- sqrt(diag(V)); zz <- beta / se
    cmp(c(se, exp(beta), zz, 2 * pnorm(-abs(zz)), exp(beta - zq * se), exp(beta + zq * se)),
        c(tse, sapply(e$terms, function(r) num(r$hr)), sapply(e$terms, function(r) num(r$z)), sapply(e$terms, function(r) num(r$p)),
          sapply(e$terms, function(r) num(r$hr_lower)), sapply(e$terms, function(r) num(r$hr_upper))), paste(w, "se/hr/z/p/ci"))
    wd <- drop(t(beta) %*% solve(V, beta))
    cmp(c(wd, pchisq(wd, p, lower.tail = FALSE)), c(num(e$wald_test$chisq), num(e$wald_test$p)), paste(w, "wald"))
  } else {
    cmp(sqrt(diag(V)), sapply(e$at_final_beta$terms, function(r) num(r$se)), paste(w, "se@beta"))
  }
  # concordance, brute force; reverse: higher lp should die earlier
  lp <- drop(X %*% beta); n <- length(t)
  cnt <- c(conc = 0, disc = 0, tx = 0, ty = 0, txy = 0); infl <- matrix(0, n, 3)
  for (a in 1:n) for (b in 1:n) {
    if (a == b || strat[a] != strat[b] || st[a] != 1) next
    if (t[a] < t[b] || (t[a] == t[b] && st[b] == 0)) {  # comparable: a died first (a censored tie survived longer)
      k <- if (lp[a] > lp[b]) 1 else if (lp[a] < lp[b]) 2 else 3
      cnt[k] <- cnt[k] + 1; infl[a, k] <- infl[a, k] + 1; infl[b, k] <- infl[b, k] + 1
    } else if (t[a] == t[b] && a < b && st[b] == 1) {
      if (lp[a] == lp[b]) cnt["txy"] <- cnt["txy"] + 1 else cnt["ty"] <- cnt["ty"] + 1
    }
  }
  np <- sum(cnt[1:3]); C <- (cnt[1] + cnt[3] / 2) / np
  somer <- (cnt[1] - cnt[2]) / np
  dfb <- (infl[, 1] - infl[, 2]) / np - somer / np * rowSums(infl)
  cse <- sqrt(sum(dfb^2) / 4)
  cc <- e$concordance
  cmp(c(unname(cnt), C, cse), c(num(cc$concordant), num(cc$discordant), num(cc$tied_x), num(cc$tied_y), num(cc$tied_xy), num(cc$estimate), num(cc$se)), paste(w, "concordance"))
}
failed <- character(0)
for (f in sort(list.files(dir, "\\.json$"))) {
  j <- fromJSON(file.path(dir, f), simplifyVector = FALSE)
  worst$v <- 0; worst$where <- ""
  res <- try(switch(j$kind, km = km_check(f, j), logrank = lr_check(f, j), cox = cox_check(f, j), identity = NULL))
  limit <- if (grepl("^cox-edge-separation", f)) 1e-6 else 1e-9
  if (inherits(res, "try-error") || worst$v > limit) failed <- c(failed, f)
  cat(sprintf("%-50s max rel diff %.3g %s\n", f, worst$v, sub(paste0(f, " "), "", worst$where, fixed = TRUE)))
}
if (length(failed)) { cat("FAILED:", failed, "\n"); quit(status = 1) }
cat("all files agree with the independent recomputation\n")
