-- Calendar: every day from the earliest to the latest secondary-sales or primary-invoice
-- date, with ISO day of week (1 = Monday) and ISO week. DuckDB and PostgreSQL: generate_series
-- over timestamps as a table function and extract(); SQL Server (no generate_series before
-- 2022, no extract): day offsets 0..99999 from cross-joined digits and datepart().
with all_dates as (
    select bill_date as d from {{ ref('stg_secondary_sales') }}
    union all
    select invoice_date as d from {{ ref('stg_primary_invoices') }}
),
bounds as (
    select min(d) as min_date, max(d) as max_date from all_dates
),
{% if target.type == 'sqlserver' %}
digits as (
    select n from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as v(n)
),
days as (
    select CAST(dateadd(day, o.n, bounds.min_date) AS DATE) as full_date
    from bounds
    cross join (
        select a.n + 10 * b.n + 100 * c.n + 1000 * d.n + 10000 * e.n as n
        from digits as a cross join digits as b cross join digits as c cross join digits as d cross join digits as e
    ) as o
    where o.n <= datediff(day, bounds.min_date, bounds.max_date)
),
parts as (
    select
        full_date,
        year(full_date) as y,
        month(full_date) as m,
        day(full_date) as d,
        datediff(day, CAST('1900-01-01' AS DATE), full_date) % 7 + 1 as dow,
        datepart(iso_week, full_date) as wk,
        datepart(quarter, full_date) as q
    from days
)
{% else %}
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
{% endif %}
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
    end AS {{ text_type() }}) as day_name,
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
    end AS {{ text_type() }}) as month_name,
    CAST(q AS SMALLINT) as quarter,
    CAST(y AS SMALLINT) as year,
    CAST(case when dow in (6, 7) then 1 else 0 end AS {{ bool_type() }}) as is_weekend
from parts
