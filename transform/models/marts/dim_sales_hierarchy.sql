-- Sales hierarchy (DESIGN.md): SO -> ASM -> ZSM -> NSM. reports_to_id is the manager's
-- employee_id, found by the manager's code; NULL for the NSM.
select
    CAST(e.emp_id AS INTEGER) as employee_id,
    CAST(e.emp_name AS {{ text_type() }}) as employee_name,
    CAST(e.email AS {{ text_type() }}) as email,
    CAST(e.designation AS {{ text_type() }}) as role,
    CAST(e.territory_level AS {{ text_type() }}) as territory_level,
    CAST(e.territory_name AS {{ text_type() }}) as territory_name,
    CAST(m.emp_id AS INTEGER) as reports_to_id
from {{ ref('stg_employees') }} as e
left join {{ ref('stg_employees') }} as m on m.emp_code = e.manager_code
