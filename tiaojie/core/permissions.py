"""Who may do what: the roles and the one role × action table (DESIGN.md: permissions in services).

Every service that writes calls ``require(user, action)`` (role) and checks scope through
``tiaojie.core.scope`` / ``tiaojie.core.access`` itself, so a view cannot forget either. Pages
ask ``allowed(user, action)`` to decide which buttons to show; the service is the source of truth.

The three administrator roles of 等保 level 3 (三员分立) hold no business action: the system
administrator manages accounts, organizations and rule tables in Django admin, the security
administrator manages locks and second factors, the audit administrator reads the audit logs.
"""
from django.db import models

from tiaojie.core.errors import Refused


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", "市司法局管理员"
    COUNTY_STAFF = "county_staff", "县级调解中心工作人员"
    TOWNSHIP_STAFF = "township_staff", "司法所工作人员"
    MEDIATOR = "mediator", "调解员"
    COURT_LIAISON = "court_liaison", "法院联络员"
    POLICE_LIAISON = "police_liaison", "公安联络员"
    SYS_ADMIN = "sys_admin", "系统管理员"
    SEC_ADMIN = "sec_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


R = Role
# Roles that mediate and move cases through their life.
MEDIATING = frozenset({R.CITY_ADMIN, R.COUNTY_STAFF, R.TOWNSHIP_STAFF, R.MEDIATOR})
# Roles above a committee: they supervise (force an archive with a reason, close a 督办).
SUPERVISING = frozenset({R.CITY_ADMIN, R.COUNTY_STAFF, R.TOWNSHIP_STAFF})
# City and county management: imports, training, honours, funding, statistics refresh.
MANAGING = frozenset({R.CITY_ADMIN, R.COUNTY_STAFF})
LIAISONS = frozenset({R.COURT_LIAISON, R.POLICE_LIAISON})
# Roles without any access to case data (三员分立).
ADMINISTRATORS = frozenset({R.SYS_ADMIN, R.SEC_ADMIN, R.AUDIT_ADMIN})

# action: (roles, what the refusal calls it)
ACTIONS: dict[str, tuple[frozenset, str]] = {
    # the case's life (tiaojie.cases.transitions)
    "case.register": (MEDIATING, "登记纠纷"),
    "case.accept": (MEDIATING, "受理"),
    "case.reject": (MEDIATING, "不予受理"),
    "case.assign": (MEDIATING, "指派调解员"),
    "case.replace_mediator": (MEDIATING, "更换调解员（回避）"),
    "case.record_session": (MEDIATING, "调解记录"),
    "case.record_investigation": (MEDIATING, "调查记录"),
    "case.extend": (MEDIATING, "延长调解期限"),
    "case.succeed": (MEDIATING, "调解成功"),
    "case.fail": (MEDIATING, "调解不成"),
    "case.terminate": (MEDIATING, "终止调解"),
    "case.follow_up": (MEDIATING, "回访"),
    "case.archive": (MEDIATING, "归档"),
    "case.archive_forced": (SUPERVISING, "卷宗材料不齐全时强制归档"),
    "case.correct": (MEDIATING, "更正登记信息"),
    "case.unmask": (frozenset({R.COUNTY_STAFF, R.TOWNSHIP_STAFF, R.MEDIATOR}), "查看完整证件号码和电话"),
    # routing and linkage
    "case.route": (MEDIATING | LIAISONS, "分流"),
    "case.transfer_out": (MEDIATING, "移交"),
    "case.transfer_accept": (MEDIATING, "接收移交"),
    "case.transfer_return": (MEDIATING, "退回移交"),
    "referral.court": (frozenset({R.COURT_LIAISON, R.CITY_ADMIN, R.COUNTY_STAFF}), "登记法院委派委托的案件"),
    "referral.police": (frozenset({R.POLICE_LIAISON, R.CITY_ADMIN, R.COUNTY_STAFF, R.TOWNSHIP_STAFF}),
                        "登记公安移交的案件"),
    "referral.petition": (frozenset({R.CITY_ADMIN, R.COUNTY_STAFF, R.TOWNSHIP_STAFF}), "登记信访转办的案件"),
    "referral.department": (frozenset({R.CITY_ADMIN, R.COUNTY_STAFF, R.TOWNSHIP_STAFF}), "登记其他部门移交的案件"),
    "referral.api": (LIAISONS, "通过对接接口移送案件"),
    "case.referral_feedback": (MEDIATING, "向移送单位反馈"),
    "case.referral_revisit": (MEDIATING, "移送案件回访"),
    "case.jc_apply": (MEDIATING, "申请司法确认"),
    "case.jc_result": (MEDIATING | {R.COURT_LIAISON}, "记录司法确认结果"),
    # risk, warnings, supervision
    "case.risk_level": (MEDIATING, "调整风险等级"),
    "case.risk_inputs": (MEDIATING, "填写风险情形"),
    "case.escalate": (MEDIATING, "上报疑难重大纠纷"),
    "case.escalation_note": (MEDIATING, "记录督办进展"),
    "case.escalation_close": (SUPERVISING, "办结督办事项"),
    "case.prevention": (MEDIATING, "填写预防成效"),
    "warning.handle": (MEDIATING, "处置预警"),
    # screening and hidden dangers
    "screening.file": (MEDIATING, "填报排查报告"),
    "screening.amend": (MEDIATING, "修改排查报告"),
    "screening.remind": (SUPERVISING, "催报排查报告"),
    "hazard.create": (MEDIATING, "登记隐患"),
    "hazard.update": (MEDIATING, "修改隐患"),
    "hazard.close": (MEDIATING, "办结隐患"),
    "hazard.risk_level": (MEDIATING, "调整隐患风险等级"),
    # documents
    "case.attach": (MEDIATING, "上传材料"),
    "case.attachment_void": (MEDIATING, "作废材料"),
    "documents.batch": (MEDIATING, "批量打印文书"),
    # organizations and people
    "orgs.import": (MANAGING, "导入组织和调解员"),
    "orgs.training": (MANAGING, "管理培训"),
    "orgs.honour": (MANAGING, "管理表彰"),
    # money and figures
    "funding.compute": (MANAGING, "计算案件补贴"),
    "funding.approve": (MANAGING, "审批补贴发放"),
    "funding.standards": (frozenset({R.CITY_ADMIN}), "设置补贴标准"),
    "funding.budget": (MANAGING, "编制经费预算"),
    "stats.refresh": (MANAGING, "刷新统计汇总"),
    "stats.submit": (MEDIATING, "报送统计报表"),
    "stats.aggregate": (MEDIATING, "填报汇总数据"),
    # typical cases (tiaojie.portal): committees nominate and edit, the city publishes
    "typical.nominate": (MEDIATING, "推荐典型案例"),
    "typical.edit": (MEDIATING, "编辑典型案例"),
    "typical.approve": (frozenset({R.CITY_ADMIN}), "审核发布典型案例"),
    "typical.return": (frozenset({R.CITY_ADMIN}), "退回典型案例"),
}


def roles_for(action: str) -> frozenset:
    return ACTIONS[action][0]


def allowed(user, action: str) -> bool:
    """May ``user``'s role do ``action`` (scope aside)? A superuser may do everything."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    return user.role in ACTIONS[action][0]


def require(user, action: str) -> None:
    """Raise ``Refused`` with a Chinese message unless ``user``'s role may do ``action``."""
    if not allowed(user, action):
        label = ACTIONS[action][1]
        who = user.get_role_display() if getattr(user, "is_authenticated", False) else "未登录用户"
        raise Refused(f"您的角色（{who}）不能{label}")
