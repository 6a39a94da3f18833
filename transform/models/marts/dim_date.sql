-- Calendar: every day from the earliest to the latest secondary-sales or primary-invoice
-- date. Portable SQL (DuckDB and PostgreSQL): generate_series over timestamps as a table
-- function, ISO day of week (1 = Monday) and ISO week.
with all_dates as (
    select bill_date as d from {{ ref('stg_secondary_sales') }}
    union all
    select invoice_date as d from {{ ref('stg_primary_invoices') }}
),
bounds as (
    select min(d) as min_date, max(d) as max_date from all_dates
),
days as (
    select CAST(gs.day_ts AS DATE) as full_date
    from bounds
    cross join generate_series(
        CAST(bounds.min_date AS TIMESTAMP),
        CAST(bounds.max_date AS TIMESTAMP),
        interval '1 day'
    ) as gs(day_ts)
),
parts as (
    select
        full_date,
        CAST(extract(year from full_date) AS INTEGER) as y,
        CAST(extract(month from full_date) AS INTEGER) as m,
        CAST(extract(day from full_date) AS INTEGER) as d,
        CAST(extract(isodow from full_date) AS INTEGER) as dow,
        CAST(extract(week from full_date) AS INTEGER) as wk,
        CAST(extract(quarter from full_date) AS INTEGER) as q
    from days
)
select
    CAST(y * 10000 + m * 100 + d AS INTEGER) as date_key,
    CAST(full_date AS DATE) as full_date,
    CAST(dow AS SMALLINT) as day_of_week,
    CAST(case dow
        when 1 then 'Monday'
        when 2 then 'Tuesday'
        when 3 then 'Wednesday'
        when 4 then 'Thursday'
        when 5 then 'Friday'
        when 6 then 'Saturday'
        when 7 then 'Sunday'
    end AS VARCHAR) as day_name,
    CAST(wk AS SMALLINT) as week_of_year,
    CAST(m AS SMALLINT) as month,
    CAST(case m
        when 1 then 'January'
        when 2 then 'February'
        when 3 then 'March'
        when 4 then 'April'
        when 5 then 'May'
        when 6 then 'June'
        when 7 then 'July'
        when 8 then 'August'
        when 9 then 'September'
        when 10 then 'October'
        when 11 then 'November'
        when 12 then 'December'
    end AS VARCHAR) as month_name,
    CAST(q AS SMALLINT) as quarter,
    CAST(y AS SMALLINT) as year,
    CAST(dow in (6, 7) AS BOOLEAN) as is_weekend
from parts
