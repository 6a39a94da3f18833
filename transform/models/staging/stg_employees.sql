-- Sales force, cleaned: one row per emp_id (the latest export wins), codes upper(trim()),
-- names trim(), designation upper case ('SO', 'ASM', 'ZSM', 'NSM'), territory_level in
-- title case ('City', 'State', 'Zone', 'National').
with ranked as (
    select
        src.*,
        row_number() over (partition by emp_id order by exported_at desc) as rn
    from {{ source('raw', 'raw_employees') }} as src
)
select
    CAST(emp_id AS INTEGER) as emp_id,
    upper(trim(emp_code)) as emp_code,
    trim(emp_name) as emp_name,
    trim(email) as email,
    upper(trim(designation)) as designation,
    case lower(trim(territory_level))
        when 'city' then 'City'
        when 'state' then 'State'
        when 'zone' then 'Zone'
        when 'national' then 'National'
        else trim(territory_level)
    end as territory_level,
    trim(territory_name) as territory_name,
    upper(trim(manager_code)) as manager_code,
    exported_at
from ranked
where rn = 1
