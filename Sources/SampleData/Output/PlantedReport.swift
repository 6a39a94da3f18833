import Foundation

/// Builds planted.json from the plan and the tallies of what was actually written.
struct PlantedReport {
    let world: World
    let anomalies: [PlannedAnomaly]
    let secondary: SecondarySalesWriter
    let primary: PrimaryInvoices

    static let measure =
        "net sales = sum of net_value * sign (SALE and FREE +1, RETURN and DAMAGE -1) over raw_secondary_sales, "
        + "one row per line_id; a daily series has a value (0 when there were no sales) for every day of the period; "
        + "states come from the outlet, brands from the SKU"

    func build() -> PlantedSignals {
        let options = world.options
        return PlantedSignals(
            tenant: options.tenant.rawValue, seed: options.seed, startDate: "\(options.startDate)",
            endDate: "\(options.endDate)", days: options.days, scale: options.scale, measure: Self.measure,
            anomalies: anomalyRecords(), trends: trendRecords(), lapsedOutlets: lapseRecords(),
            stockBuildUps: [buildUpRecord()], promotions: promotionRecords(), priceChanges: priceChangeRecords())
    }

    private func date(_ day: Int) -> String { "\(world.dates[min(max(day, 0), world.days - 1)])" }

    private func brandScope(_ brand: Int) -> PlantedSignals.Scope { .init(kind: .brand, value: world.brands[brand].name) }

    private func anomalyRecords() -> [PlantedSignals.Anomaly] {
        anomalies.enumerated().map { position, anomaly in
            let series = secondary.series.series(anomaly.scope)
            let (mean, stdDev) = DailySeries.statistics(series)
            let value = Double(series[series.startIndex + anomaly.day])
            let z = stdDev > 0 ? (value - mean) / stdDev : 0
            let scope: PlantedSignals.Scope
            switch anomaly.scope {
            case .state(let s): scope = .init(kind: .state, value: world.states[s].name)
            case .brand(let b): scope = brandScope(b)
            }
            let effect =
                "Net sales of \(scope.value) on \(date(anomaly.day)) are \(Self.text(value / mean))x the daily mean "
                + "(z = \(Self.text(z))): a one-day spike."
            return PlantedSignals.Anomaly(
                id: "anomaly-\(position + 1)", date: date(anomaly.day), direction: .spike, scope: scope,
                factor: Self.round(anomaly.factor), netSales: Self.rupees(value), meanDailyNetSales: Self.rupees(mean),
                stdDevDailyNetSales: Self.rupees(stdDev), zScore: Self.round(z), effect: effect)
        }
    }

    private func trendRecords() -> [PlantedSignals.Trend] {
        world.plan.trends.enumerated().map { position, trend in
            let series = secondary.series.series(.brand(trend.brand))
            func week(_ first: Int) -> Double {
                Double(series[(series.startIndex + first)..<(series.startIndex + min(first + 7, world.days))].reduce(0, +))
            }
            let total = trend.factor(on: trend.endDay)
            let verb = trend.weeklyChange > 0 ? "grows" : "shrinks"
            return PlantedSignals.Trend(
                id: "trend-\(position + 1)", scope: brandScope(trend.brand), startDate: date(trend.startDay),
                endDate: date(trend.endDay), weeks: trend.weeks, weeklyChange: trend.weeklyChange,
                totalFactor: Self.round(total), firstWeekNetSales: Self.rupees(week(trend.startDay)),
                lastWeekNetSales: Self.rupees(week(trend.endDay - 6)),
                effect: "Demand for \(world.brands[trend.brand].name) \(verb) \(Self.text(abs(trend.weeklyChange) * 100))% "
                    + "a week for \(trend.weeks) weeks from \(date(trend.startDay)) (x\(Self.text(total)) by "
                    + "\(date(trend.endDay))), then holds at that level.")
        }
    }

    private func lapseRecords() -> [PlantedSignals.LapsedOutlet] {
        world.plan.lapses.map { lapse in
            let outlet = world.outlets[lapse.outlet]
            let last = secondary.lastPurchaseDay[lapse.outlet]
            let days = secondary.purchaseDaysBeforeLapse[lapse.outlet]
            return PlantedSignals.LapsedOutlet(
                scope: .init(kind: .outlet, value: outlet.code), outletName: outlet.name, channel: outlet.channel.name,
                city: world.cities[outlet.city].name, state: world.states[outlet.state].name,
                distributorCode: world.distributors[outlet.distributor].code, lapseDate: date(lapse.day),
                lastPurchaseDate: last >= 0 ? date(last) : "",
                purchaseDaysInPrior8Weeks: days,
                effect: "Bought on \(days) days in the 8 weeks before \(date(lapse.day)); no lines from that day on.")
        }
    }

    private func buildUpRecord() -> PlantedSignals.StockBuildUp {
        let buildUp = world.plan.buildUp
        let distributor = world.distributors[buildUp.distributor]
        let ratio = secondary.buildUpQuantity > 0 ? Double(primary.buildUpQuantity) / Double(secondary.buildUpQuantity) : 0
        return PlantedSignals.StockBuildUp(
            scope: .init(kind: .distributor, value: distributor.code), distributorName: distributor.name,
            state: world.states[distributor.state].name, startDate: date(buildUp.startDay), endDate: date(buildUp.endDay),
            factor: Self.round(buildUp.factor), primaryQuantity: primary.buildUpQuantity,
            secondaryQuantity: secondary.buildUpQuantity, primaryNetValue: Self.rupees(Double(primary.buildUpNetPaise)),
            secondaryNetSales: Self.rupees(Double(secondary.buildUpNetPaise)),
            effect: "Primary invoices to \(distributor.code) are \(Self.text(ratio))x its secondary quantity over "
                + "\(buildUp.weeks) weeks (stock build-up); primary then falls below secondary until the stock sells down.")
    }

    private func promotionRecords() -> [PlantedSignals.Promotion] {
        world.plan.promotions.map {
            PlantedSignals.Promotion(
                scope: brandScope($0.brand), startDate: date($0.startDay), endDate: date($0.endDay),
                discountPercent: Double($0.discountBp) / 100, volumeFactor: Self.round($0.volumeFactor),
                freeGoods: $0.freeGoods)
        }
    }

    private func priceChangeRecords() -> [PlantedSignals.PriceChange] {
        world.plan.priceChanges.map {
            PlantedSignals.PriceChange(scope: brandScope($0.brand), effectiveDate: date($0.day), percent: Double($0.percent))
        }
    }

    /// Paise to rupees, to the paisa.
    static func rupees(_ paise: Double) -> Double { (paise.rounded()) / 100 }

    static func round(_ x: Double) -> Double { (x * 100).rounded() / 100 }

    static func text(_ x: Double) -> String { String(format: "%.2f", x) }
}
