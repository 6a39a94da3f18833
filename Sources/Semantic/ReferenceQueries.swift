/// The reference query table: 45 Cube queries over the shipped model that between them use
/// every feature of the compiler (granularities, relative and absolute ranges, every filter
/// operator, nested and/or, order forms, limit/offset/total, ungrouped, segments, views,
/// fan-out across cubes).
///
/// The golden SQL tests, the DuckDB execution tests, the cross-engine checks and
/// `convai bench semantic` all run this one table, so a feature added here is covered by all.
public enum ReferenceQueries {
    /// The date relative ranges resolve against, inside the default seeded period.
    public static let asOf = "2025-06-30"

    public static let all: [(name: String, json: String)] = [
        ("01_count", #"{"measures":["Transactions.count"]}"#),
        ("02_sum_by_brand", #"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"]}"#),
        ("03_month", #"{"measures":["Transactions.netSales"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"month"}]}"#),
        ("04_week", #"{"measures":["Transactions.count"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"week","dateRange":["2025-05-01","2025-05-31"]}]}"#),
        ("05_day_range", #"{"measures":["Transactions.totalQuantity"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"day","dateRange":["2025-06-01","2025-06-07"]}]}"#),
        ("06_quarter", #"{"measures":["Transactions.grossSales"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"quarter"}]}"#),
        ("07_year", #"{"measures":["Transactions.grossSales"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"year"}]}"#),
        ("08_hour", #"{"measures":["Transactions.count"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"hour","dateRange":"yesterday"}]}"#),
        ("09_last_7_days", #"{"measures":["Transactions.netSales"],"timeDimensions":[{"dimension":"Transactions.transactionDate","dateRange":"last 7 days"}]}"#),
        ("10_last_month", #"{"measures":["Transactions.netSales"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"day","dateRange":"last month"}]}"#),
        ("11_this_month", #"{"measures":["Transactions.netSales"],"timeDimensions":[{"dimension":"Transactions.transactionDate","dateRange":"this month"}]}"#),
        ("12_last_3_months", #"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"month","dateRange":"last 3 months"}],"order":{"Transactions.netSales":"desc"},"limit":5}"#),
        ("13_from_to", #"{"measures":["Transactions.count"],"timeDimensions":[{"dimension":"Transactions.transactionDate","dateRange":"from 2025-04-01 to 2025-04-30"}]}"#),
        ("14_equals", #"{"measures":["Transactions.netSales"],"dimensions":["Customers.state"],"filters":[{"member":"Customers.zone","operator":"equals","values":["North"]}]}"#),
        ("15_equals_list", #"{"measures":["Transactions.netSales"],"dimensions":["Customers.zone"],"filters":[{"member":"Customers.zone","operator":"equals","values":["North","South"]}]}"#),
        ("16_not_equals", #"{"measures":["Transactions.count"],"dimensions":["Customers.zone"],"filters":[{"member":"Customers.zone","operator":"notEquals","values":["North"]}]}"#),
        ("17_contains", #"{"measures":["Transactions.count"],"dimensions":["Products.category"],"filters":[{"member":"Products.category","operator":"contains","values":["biscuit"]}]}"#),
        ("18_not_contains", #"{"measures":["Products.count"],"filters":[{"member":"Products.productName","operator":"notContains","values":["a"]}]}"#),
        ("19_starts_ends", #"{"measures":["Products.count"],"filters":[{"member":"Products.sku","operator":"startsWith","values":["S"]},{"member":"Products.productName","operator":"notEndsWith","values":["g"]}]}"#),
        ("20_ends_not_starts", #"{"measures":["Products.count"],"filters":[{"member":"Products.productName","operator":"endsWith","values":["ml"]},{"member":"Products.brand","operator":"notStartsWith","values":["x"]}]}"#),
        ("21_gt_lt", #"{"measures":["Transactions.count"],"filters":[{"member":"Transactions.unitPrice","operator":"gt","values":["10"]},{"member":"Transactions.unitPrice","operator":"lte","values":[100.5]}]}"#),
        ("22_gte_lt", #"{"measures":["Products.count"],"filters":[{"member":"Products.unitPrice","operator":"gte","values":["20"]},{"member":"Products.unitPrice","operator":"lt","values":["200"]}]}"#),
        ("23_set_notset", #"{"measures":["Products.count"],"dimensions":["Products.category"],"filters":[{"member":"Products.unitVolume","operator":"set"},{"member":"Products.launchDate","operator":"set"}]}"#),
        ("24_notset", #"{"measures":["Products.count"],"filters":[{"member":"Products.unitVolume","operator":"notSet"}]}"#),
        ("25_in_date_range", #"{"measures":["Transactions.count"],"filters":[{"member":"Transactions.transactionDate","operator":"inDateRange","values":["2025-05-01","2025-05-31"]}]}"#),
        ("26_not_in_date_range", #"{"measures":["Transactions.count"],"filters":[{"member":"Transactions.transactionDate","operator":"notInDateRange","values":["2025-05-01","2025-05-31"]}]}"#),
        ("27_before_after", #"{"measures":["Transactions.count"],"filters":[{"member":"Transactions.transactionDate","operator":"afterDate","values":["2025-05-01"]},{"member":"Transactions.transactionDate","operator":"beforeDate","values":["2025-06-01"]}]}"#),
        ("28_on_or", #"{"measures":["Transactions.count"],"filters":[{"member":"Transactions.transactionDate","operator":"afterOrOnDate","values":["2025-05-01"]},{"member":"Transactions.transactionDate","operator":"beforeOrOnDate","values":["2025-05-31"]}]}"#),
        ("29_nested_and_or", #"{"measures":["Transactions.netSales"],"dimensions":["Customers.zone"],"filters":[{"or":[{"member":"Customers.zone","operator":"equals","values":["North"]},{"and":[{"member":"Customers.zone","operator":"equals","values":["South"]},{"member":"Customers.customerType","operator":"equals","values":["General Trade"]}]}]}]}"#),
        ("30_having", #"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"],"filters":[{"member":"Transactions.netSales","operator":"gt","values":["0"]}]}"#),
        ("31_measure_filters", #"{"measures":["Transactions.salesAmount","Transactions.returnsAmount","Transactions.returnRate"],"dimensions":["Customers.zone"]}"#),
        ("32_number", #"{"measures":["Transactions.averageOrderValue","Transactions.averageSellingPrice","Transactions.discountRate"]}"#),
        ("33_count_distinct", #"{"measures":["Transactions.uniqueCustomers","Transactions.uniqueProducts"],"dimensions":["Accounts.zone"]}"#),
        ("34_avg_min_max", #"{"measures":["Products.averageUnitPrice"],"dimensions":["Products.category"],"order":[["Products.category","asc"]]}"#),
        ("35_segment", #"{"measures":["Transactions.netSales"],"dimensions":["Products.category"],"segments":["Transactions.sales","Customers.modernTrade"]}"#),
        ("36_order_object", #"{"measures":["Transactions.netSales","Transactions.count"],"dimensions":["Customers.zone","Products.category"],"order":{"Customers.zone":"asc","Transactions.count":"desc"}}"#),
        ("37_limit_offset", #"{"measures":["Transactions.netSales"],"dimensions":["Customers.city"],"order":[["Customers.city","asc"]],"limit":10,"offset":5}"#),
        ("38_ungrouped", #"{"measures":["Transactions.netSales"],"dimensions":["Transactions.transactionId","Products.brand"],"ungrouped":true,"order":[["Transactions.transactionId","asc"]],"limit":20}"#),
        ("39_total", #"{"measures":["Transactions.netSales"],"dimensions":["Customers.state"],"total":true,"limit":3}"#),
        ("40_fan_out", #"{"measures":["Customers.count","Transactions.netSales"],"dimensions":["Customers.state"]}"#),
        ("41_dimensions_only", #"{"dimensions":["Products.brand","Products.category"]}"#),
        ("42_accounts_shortest_path", #"{"measures":["Transactions.netSales"],"dimensions":["Accounts.accountType"]}"#),
        ("43_primary_sales", #"{"measures":["PrimarySales.count"],"dimensions":["Accounts.zone"],"timeDimensions":[{"dimension":"PrimarySales.invoiceDate","granularity":"month","dateRange":"this year"}]}"#),
        ("45_fan_out_filtered", #"{"measures":["Transactions.netSales","Customers.count"],"dimensions":["Customers.zone"],"filters":[{"member":"Customers.customerType","operator":"equals","values":["General Trade"]},{"member":"Transactions.netSales","operator":"gt","values":[0]}]}"#),
        ("44_view", #"{"measures":["sales_overview.netSales"]}"#),
    ]
}
