"""Every user-facing Chinese label and message template, kept together so wording is consistent.

A leaf module: imports nothing from the project.
"""

METRIC_LABELS = {
    "signed_count": ("新签约项目数", "个"),
    "signed_amount": ("合同投资额", "亿元"),
    "manufacturing_count": ("制造业项目数", "个"),
    "manufacturing_amount": ("制造业合同投资额", "亿元"),
    "manufacturing_share_pct": ("制造业占比", "%"),
    "funds_in_place": ("到位资金", "亿元"),
    "manufacturing_funds": ("制造业到位资金", "亿元"),
    "manufacturing_funds_share_pct": ("制造业到位资金占比", "%"),
    "started_count": ("开工项目数", "个"),
    "start_rate_pct": ("开工率", "%"),
    "production_count": ("投产项目数", "个"),
    "funds_arrival_rate_pct": ("资金到位率", "%"),
    "over10_count": ("10亿元以上项目数", "个"),
    "over10_amount": ("10亿元以上项目投资额", "亿元"),
    "over5_count": ("5亿元以上项目数", "个"),
    "over5_amount": ("5亿元以上项目投资额", "亿元"),
    "top500_projects": ("500强项目数", "个"),
    "top500_enterprises_new": ("新引进500强企业数", "家"),
    "little_giant_enterprises_new": ("新引进专精特新小巨人企业数", "家"),
    "resident_signed_count": ("驻点招商签约项目数", "个"),
    "resident_signed_amount": ("驻点招商签约额", "亿元"),
}

# annual-target indicator (as uploaders write it) -> metric it measures
TARGET_INDICATORS = {
    "签约项目数": "signed_count",
    "合同投资额": "signed_amount",
    "到位资金": "funds_in_place",
    "制造业占比": "manufacturing_share_pct",
    "驻点签约额": "resident_signed_amount",
}
SHARE_INDICATORS = {"manufacturing_share_pct"}

WARNING_LABELS = {"blue": "蓝", "yellow": "黄", "red": "红"}
WARNING_COLORS = {"blue": "#1f6fd1", "yellow": "#e0a800", "red": "#d32f2f"}

DEMO_BADGE = "演示数据"

# 大屏
SCREEN = {
    "title": "招商引资领导驾驶舱", "trend": "合同投资额累计趋势(亿元)", "regions": "各县区合同投资额(亿元)",
    "ranking": "县区综合排名", "chains": "各产业链合同投资额(亿元)", "funds": "各县区到位资金(亿元)",
    "text": "本期通报", "no_regions": "尚未配置县区", "unreported": "未报", "top": "·前{n}位",
    "activities": "领导招商活动", "events": "活动签约", "problems": "企业诉求",
    "key_chains": "重点产业链合同投资额", "other_chains": "其余产业链", "map": "各县区合同投资额完成情况(对照序时进度)",
    "chain_table": "各产业链签约与到位(亿元)", "region_table": "各县区完成情况",
    "legend": {"blue": "达到序时进度", "yellow": "落后不足{pp}个百分点", "red": "落后{pp}个百分点及以上"},
    "no_data": "暂无数据:请先在“数据上报”上传月度台账。",
}

COPY = {"button": "复制通报段落", "done": "已复制到剪贴板", "failed": "复制失败,请手动选择文字复制"}

# the Word 月通报
BULLETIN = {
    "issuer": "市投资促进局",
    "overall": "一、总体情况",
    "counties": "二、各县区完成情况",
    "table_note": "各县区按综合得分排名;完成率与序时进度({tp})比较:"
                  "蓝色达到序时进度,黄色落后不足{pp}个百分点,红色落后{pp}个百分点及以上。",
    "charts": "三、图表",
    "each_county": "四、各县区情况",
    "activities": "五、招商活动与活动签约",
    "activity_columns": ["活动类型", "次数"],
    "event_columns": ["签约活动", "日期", "签约项目(个)", "签约额(亿元)"],
}

# importer messages
MSG = {
    "no_period": "无法确定填报期间:请选择年份和月份,或在文件名/标题中写明如“2023年5月”",
    "no_known_sheet": "工作簿中没有可识别的工作表(应包含 项目台账、到位资金明细、年度目标、驻点招商、问题台账、"
                      "招商活动 之一)",
    "missing_column": "缺少必填列【{column}】",
    "required": "必填项为空",
    "not_number": "不是数字,请只填写数字(单位见表头),如 5.2",
    "negative": "不能为负数,没有请留空",
    "not_integer": "应为整数,如 12",
    "not_date": "不是有效日期,应如 2023-03-05",
    "not_bool": "应填“是”或“否”",
    "unknown_region": "县区“{value}”不存在",
    "unknown_chain": "产业链“{value}”不存在",
    "unknown_tag": "企业标签“{value}”不存在,可选:{choices}",
    "bad_choice": "“{value}”不是有效选项,可选:{choices}",
    "did_you_mean": ",您是不是要填“{suggestion}”?",
    "stage_needs": "项目阶段为“{stage}”时必须填写【{column}】",
    "start_before_sign": "开工日期早于签约日期({sign})",
    "production_before_start": "投产日期早于开工日期({start})",
    "conflicting_code": "项目编号“{value}”在第{other}行也出现,且内容不同",
    "wrong_region": "本次上报的县区为“{region}”,不能包含“{value}”的数据",
    "unknown_project": "找不到项目“{value}”(项目编号须已在项目台账中)",
    "bad_month": "月份应为1-12",
    "city_only": "“全市”不能作为项目所在县区",
    "closed_needs_date": "办理状态为“已办结”时必须填写【办结日期】",
    "file_empty": "文件是空的,请重新选择要上传的 Excel 文件",
    "file_too_big": "文件超过 {mb} MB,请删除无关的工作表或图片后再上传",
    "file_encrypted": "文件设置了打开密码,请在 Excel 或 WPS 中取消密码(文件→信息→保护工作簿)后再上传",
    "file_old_excel": "这是 Excel 95 或更早版本的文件,请在 Excel 或 WPS 中“另存为”Excel 工作簿(.xlsx)后再上传",
    "file_et": "这是 WPS 表格自有格式(.et)或无法识别的旧版文件,请在 WPS 中“另存为”Excel 工作簿(.xlsx)后再上传",
    "file_csv": "这是 CSV 文本文件,不是 Excel 工作簿;请用模板填写,或在 Excel 中“另存为”.xlsx 后再上传",
    "file_html": "这是网页文件(可能是从系统导出的“假 xls”),请在 Excel 中打开后“另存为”.xlsx 再上传",
    "file_not_excel": "无法识别为表格文件(可上传 .xlsx、.xlsm、.xls、.xlsb、.ods),"
                      "请确认上传的是用模板填写的 Excel 文件",
    "file_corrupt": "文件已损坏或不完整,无法读取;请在 Excel 中打开确认无误并重新保存后再上传",
    "file_bomb": "文件解压后的体积异常(可能是压缩炸弹),已拒绝读取",
    "file_dtd": "文件中含有不允许的 XML 声明(DTD/实体),已拒绝读取",
    "sheet_too_large": "工作表“{sheet}”声明的范围为 {ref},超出允许的范围(最多 {rows} 行、{cols} 列);"
                       "请删除远处的空白单元格或格式后再上传",
    "file_timeout": "文件读取超时,请拆分成较小的文件后再上传",
    "file_unsupported": "文件中有读取程序无法处理的内容,请在 Excel 或 WPS 中打开后“另存为”Excel 工作簿(.xlsx)再上传",
    "file_crashed": "文件无法读取(内容范围异常或过大),请在 Excel 中删除多余的行列并重新保存后再上传",
    "formula_no_value": "公式没有计算结果,请在 Excel 中打开并保存(或改为数值)后再上传",
    "too_many_rows": "行数超过上限 {rows} 行,请拆分后再上传",
    "font_missing": "服务器未安装中文字体,无法导出图片:请管理员执行 apt-get install fonts-noto-cjk",
    "no_rows": "工作簿中没有可导入的数据行(模板中的示例行不会被导入)",
    "problems_negative": "不能为负数,没有请填 0 或留空",
    "same_name": "县区“{region}”已有多个项目名称与“{value}”相同(项目编号 {codes}),请填写项目编号以指明是哪一个",
    "rows_of_region": "{rows}的县区为“{value}”,{why}",
    "rows_one": "第{first}行",
    "rows_many": "第{first}–{last}行(共{n}行)",
    "why_batch_region": "本次上报的县区为“{region}”",
    "why_staff_region": "本账号只能上报{regions}",
    "unknown_indicator": "指标“{value}”不是已知指标,可选:{choices}",
}

BATCH_STATUS = {"active": "有效", "superseded": "已被替代", "rolled_back": "已回滚"}

# the kinds of content an upload carries; a later upload supersedes an earlier one kind by kind
KIND_LABELS = {"ledger": "项目台账", "targets": "年度目标", "resident": "驻点招商", "problems": "问题台账",
               "activities": "招商活动"}

# batch lifecycle: supersession and rollback
BATCH_MSG = {
    "missing": "批次 #{batch} 不存在",
    "not_active": "批次 #{batch} 当前状态为“{status}”,无法回滚",
    "blocked": "批次 #{batch} 之后的批次 #{later} 修改或包含了相同的数据,请先回滚批次 #{later}",
    "kind_superseded": "批次 #{batch} 的{kind}已被批次 #{later} 替代,请先回滚批次 #{later}",
    "staff_several": "本账号负责多个县区,文件中的数据不属于唯一一个县区,请选择上报县区",
    "superseded_one": "批次 #{batch}({file},{who} {when} 上传,{kinds})",
    "kind_replaced": "(已被 #{later} 替代)",
    "gone_projects": "项目{n}个",
    "gone_funds": "到位资金{n}条",
    "gone_targets": "年度目标{n}条",
    "gone_resident": "驻点招商{n}条",
    "gone_problems": "企业诉求{n}条",
    "gone_activities": "招商活动{n}条",
}

# what a superseded upload loses, by kind of row (the preview's tables, the command line's lines)
GONE_TITLES = {"projects": "项目", "funds": "到位资金", "targets": "年度目标", "resident": "驻点招商记录",
               "problems": "企业诉求", "activities": "招商活动"}

# 提示: findings worth a second look that do not block an upload
NOTE_MSG = {
    "resident_ytd": "工作队“{team}”{period}累计考察回访企业{visited}家,多于累计对接企业{contacted}家,请核实",
}

# notes on the template's headers: what goes in each column
COLUMN_HELP = {
    "项目编号": "本市统一的项目编号,如 DC-2023-001。同一项目每月保持不变;不填时按“县区+项目名称”识别",
    "项目名称": "必填。项目全称",
    "县区": "必填。从下拉列表选择项目所在县区",
    "产业链": "必填。从下拉列表选择所属产业链",
    "投资方": "必填。投资企业全称,同一企业各项目填写一致",
    "企业标签": "可多选,用“、”分隔:世界500强、中国500强、民营500强、专精特新小巨人、独角兽、瞪羚、上市公司",
    "是否制造业": "必填。是 / 否",
    "投资来源": "省外 / 省内 / 境外",
    "招商方式": "从下拉列表选择:驻点招商、以商招商、推介会、中介招商、领导带头、其他",
    "项目阶段": "必填。在谈 / 签约 / 开工 / 投产 / 终止",
    "签约日期": "项目阶段为签约及以后时必填,格式 2023-03-05",
    "合同投资额": "项目阶段为签约及以后时必填,单位亿元,保留两位小数",
    "开工日期": "项目阶段为开工、投产时必填,不早于签约日期",
    "投产日期": "项目阶段为投产时必填,不早于开工日期",
    "计划投产日期": "可选,用于超期未投产预警",
    "本月到位资金": "本填报月份的到位资金,单位亿元;无则留空",
    "包抓领导": "可选,如 张副市长",
    "签约活动": "可选。在哪个推介会、洽谈会等活动上签约,如 平坝·佛山招商引资推介会(与招商活动表的活动名称一致)",
    "备注": "可选",
    "年份": "如 2023",
    "年度": "如 2023",
    "月份": "1-12",
    "到位资金": "该项目该月的到位资金,单位亿元",
    "指标": "签约项目数、合同投资额、到位资金、制造业占比、驻点签约额",
    "目标值": "金额单位亿元;制造业占比填百分数,如 60",
    "工作队": "必填。驻点招商工作队名称",
    "对接企业数": "本月对接企业数",
    "考察回访企业数": "本月来本市考察回访的企业数,不大于对接企业数",
    "意向项目数": "本月新增意向项目数",
    "意向投资额": "本月新增意向项目投资额,单位亿元",
    "企业名称": "必填。提出诉求的企业",
    "问题描述": "必填。企业诉求内容",
    "提出日期": "必填。格式 2023-03-05",
    "责任单位": "负责办理的单位",
    "办理状态": "必填。待办 / 办理中 / 已办结",
    "办结日期": "办理状态为已办结时必填",
    "日期": "必填。活动日期,格式 2023-03-05",
    "领导": "必填。带队或参加的领导,如 张书记",
    "活动类型": "必填。外出招商 / 对接洽谈 / 接待考察 / 推介会 / 项目协调会 / 工作会议 / 企业调研 / 其他",
    "对接企业": "对接、接待或调研的企业全称",
    "地点": "可选",
    "活动名称": "推介会、洽谈会等的名称;项目台账的签约活动填同一名称",
    "解决问题数": "本次活动协调解决的问题数,没有填 0 或留空",
}
TEMPLATE_EXAMPLE_PREFIX = "示例"

# project rows (drill-down lists, 项目库): column -> header
PROJECT_COLUMNS = {
    "code": "项目编号", "name": "项目名称", "investor": "投资方", "region": "县区", "chain": "产业链",
    "stage": "项目阶段", "sign_date": "签约日期", "contract_amount": "合同投资额(亿元)", "funds": "到位资金(亿元)",
    "start_date": "开工日期", "production_date": "投产日期", "planned_production_date": "计划投产日期",
    "is_manufacturing": "制造业", "tags": "企业标签", "origin": "投资来源", "channel": "招商方式",
    "leader": "包抓领导", "note": "备注", "warning": "预警", "reason": "预警原因",
}

# ---- accounts, roles, audit (issue #6)
ROLE_LABELS = {"leader": "领导", "staff": "县区工作人员", "admin": "管理员"}

ACCOUNT_MSG = {
    "password_short": "密码至少需要 {n} 个字符",
    "password_spaces": "密码首尾不能有空格",
    "password_mismatch": "两次输入的密码不一致",
    "no_user": "账号“{name}”不存在",
    "name_empty": "用户名不能为空",
    "name_long": "用户名最多 50 个字符,且首尾不能有空格",
    "name_taken": "账号“{name}”已存在",
    "bad_role": "角色“{role}”无效,可选:{roles}",
    "staff_needs_region": "县区工作人员账号必须至少指定一个县区",
    "staff_city": "县区工作人员只能指定具体县区,不能指定“全市”",
    "unknown_region": "县区“{name}”不存在",
    "last_admin": "至少要保留一个在用的管理员账号",
    "disable_self": "不能停用自己正在使用的账号",
    "no_upload_right": "账号“{name}”没有上传数据的权限(只有县区工作人员和管理员可以上传)",
    "link_label_empty": "请填写显示链接的名称(如“一号会议室大屏”)",
    "no_link": "显示链接 #{id} 不存在",
}

# importer problems about who uploads
UPLOAD_RIGHTS_MSG = {
    "region_required": "本账号只能上传所负责县区({regions})的数据,请选择其中一个县区,不能选择“全市”",
    "region_not_allowed": "本账号只能上传所负责县区({regions})的数据,不能上传“{value}”的数据",
    "targets_admin_only": "年度目标只能由管理员上传,请删除此工作表后再上传",
}

LOGIN = {
    "title": "招商引资领导驾驶舱",
    "subtitle": "请使用您的账号登录",
    "name": "用户名",
    "password": "密码",
    "submit": "登录",
    "sso": "使用统一身份认证登录",
    "sso_divider": "或",
    "bad": "用户名或密码错误",
    "throttled": "登录失败次数过多,请 {seconds} 秒后再试",
    "disabled": "该账号已停用,请联系管理员",
    "sso_unknown": "统一身份认证账号“{name}”尚未在本系统开通,请联系管理员",
    "timeout": "您已 {minutes} 分钟没有操作,为安全起见已自动退出,请重新登录",
    "logged_out": "您已退出登录",
    "account_gone": "您的账号已停用或已删除,请联系管理员",
    "no_accounts": "系统中还没有任何账号。请管理员在服务器上运行:python cli.py create-user 用户名 --role admin",
    "demo_title": "演示账号(仅演示数据库显示)",
    "demo_columns": ("用户名", "密码", "角色", "可上传的县区"),
    "logout": "退出登录",
    "current": "当前用户:{name}({role})",
    "current_regions": "负责县区:{regions}",
    "display_session": "大屏显示链接:{label}(只读)",
}

ACCESS = {
    "refused": "您的账号({role})没有访问“{page}”页面的权限。",
    "refused_display": "显示链接只能打开大屏页面,不能访问“{page}”。",
    "no_display_page": "大屏页面尚未启用,请联系管理员。",
    "link_unknown": "显示链接无效,请向管理员索取新的链接。",
    "link_revoked": "该显示链接已被撤销,无法再打开大屏。如需继续使用,请向管理员索取新的链接。",
    "display_role": "大屏显示",
}

AUDIT_ACTIONS = {
    "login": "登录", "login_failed": "登录失败", "login_throttled": "登录被限制", "logout": "退出登录",
    "session_timeout": "超时退出", "display_open": "打开显示链接", "upload": "上传数据", "rollback": "回滚批次",
    "targets": "修改年度目标", "setting": "修改阈值与权重", "region_add": "添加县区", "region_aliases": "修改县区别名",
    "chain_add": "添加产业链", "chain_aliases": "修改产业链别名", "tag_add": "添加企业标签", "user_create": "创建账号",
    "user_update": "修改账号角色或县区", "password_reset": "重置密码", "user_disable": "停用账号",
    "user_enable": "启用账号", "display_link_create": "创建显示链接", "display_link_revoke": "撤销显示链接",
    "deadline": "调整上报截止日期", "channel_add": "添加推送渠道", "channel_remove": "删除推送渠道",
    "channel_test": "发送测试消息", "subscribe": "添加订阅", "unsubscribe": "取消订阅", "push_now": "手动推送",
    "map_upload": "上传县区边界",
}
AUDIT_COLUMNS = ("时间", "操作人", "操作", "对象", "修改前", "修改后")

TAG_KINDS = {"top500": "500强(计入500强指标)", "little_giant": "专精特新小巨人(计入小巨人指标)", "other": "其他"}
REGION_KINDS = ("区", "县", "县级市", "开发区")

# the editable settings as the 管理 page names them
SETTING_LABELS = {
    "warning_yellow_pp": "县区预警:落后序时进度多少个百分点及以上为红(不足为黄)",
    "project_yellow_months": "项目预警:签约(或超过计划投产日期)满多少个月未进展为黄",
    "project_red_months": "项目预警:超过多少个月未进展为红",
    "ranking_weights": "县区排名:综合得分中各指标完成率的权重",
    "ranking_completion_cap": "县区排名:单项完成率计分上限(%)",
}
SETTING_SOURCES = {"admin": "管理页面设置", "env": "环境变量", "default": "默认值"}

CONFIG_MSG = {
    "tag_empty": "企业标签名称不能为空",
    "tag_kind": "标签类别“{kind}”无效",
    "tag_taken": "企业标签“{name}”已存在",
    "setting_bad": "{label}:“{value}”不是有效的数值",
    "setting_positive": "{label}必须大于0",
    "setting_unknown": "没有名为“{name}”的可修改设置",
    "weights_bad": "权重必须是不小于0的数,且合计大于0",
    "cap_low": "单项完成率计分上限不能低于100%",
    "months_order": "项目预警:红色的月数不能小于黄色的月数",
}

TARGETS_MSG = {
    "not_number": "不是数字",
    "negative": "不能为负数",
    "share_over_100": "制造业占比是百分数,不能大于100",
    "count_integer": "签约项目数应为整数",
    "unknown_indicator": "指标“{value}”不是已知指标",
    "bad_year": "年度“{year}”无效",
    "no_sheet": "工作簿中没有“年度目标”工作表",
    "other_sheet": "此处只导入年度目标,请删除其他工作表(项目台账等请在“数据上报”页面上传)",
}

TARGET_UNITS = {"签约项目数": "个", "合同投资额": "亿元", "到位资金": "亿元", "制造业占比": "%", "驻点签约额": "亿元"}

ADMIN = {
    "title": "管理",
    "map_title": "县区边界(地图)", "map_status": "已有{n}/{total}个县区的边界。",
    "map_without": "无边界:{names}(地图上不显示)。",
    "map_help": "上传全市县区边界的 GeoJSON 文件(FeatureCollection;每个要素为 Polygon 或 MultiPolygon,经纬度坐标,"
                "属性 name 为县区名称或别名);上传后替换原有边界。",
    "map_upload": "上传县区边界(.geojson)", "map_problems": "文件有{n}处问题,未保存:",
    "map_ok": "检查通过:{n}个县区({names})。", "map_missing": "以下县区在文件中没有边界,地图上将不显示:{names}",
    "map_save": "保存县区边界", "map_saved": "已保存{n}个县区的边界",
    "calendar_help": "每月数据的上报截止日期默认为次月{day}日(设置 ZSDASH_REPORT_DEADLINE_DAY);遇节假日可单独调整某月。"
                     "截止日期前{before}天和截止当日9时向订阅了“上报提醒”的渠道推送未报县区,截止次日推送月度通报。",
    "calendar_columns": ("月份", "截止日期", "说明"), "calendar_default": "默认",
    "calendar_moved": "已调整(默认 {default}):{by} 于 {at}", "calendar_move": "调整某月数据的截止日期",
    "calendar_month": "数据月份", "calendar_due": "截止日期", "calendar_save": "保存截止日期",
    "calendar_reset": "恢复默认", "calendar_saved": "{year}年{month}月数据的截止日期已改为 {due}",
    "push_help": "推送渠道使用 apprise 地址格式;地址中的密钥保存后只显示部分,不写入日志。推送由定时任务"
                 "(python cli.py push --due,见 README)发送,每条内容对每个订阅只发送一次。",
    "channel_columns": ("渠道", "地址(密钥已隐去)", "订阅数", "添加人", "添加时间"),
    "no_channels": "尚未添加推送渠道。",
    "channel_add": "添加渠道", "channel_name": "渠道名称", "channel_url": "渠道地址",
    "channel_url_help": "企业微信群机器人:wecombot://机器人key;钉钉群机器人:dingtalk://加签密钥@access_token"
                        "(未加签:dingtalk://access_token);邮件:mailtos://用户名:密码@smtp服务器?to=收件人;"
                        "通用 JSON 接口:json://主机:端口/路径",
    "channel_added": "已添加渠道“{name}”", "channel_pick": "渠道", "channel_test": "发送测试消息",
    "channel_tested": "测试消息已发送:{answer}", "channel_test_failed": "测试消息发送失败:{answer}",
    "channel_remove_sure": "确认删除渠道“{name}”及其订阅(推送记录保留)", "channel_remove": "删除渠道",
    "channel_removed": "已删除渠道“{name}”", "subscriptions": "订阅",
    "subscription_columns": ("订阅", "渠道", "内容", "县区", "添加人", "添加时间"),
    "subscription_kind": "内容", "subscription_region": "县区",
    "subscription_help": "月度通报:截止次日9时推送通报全文(邮件和企业微信群附图片和Word);"
                         "上报提醒:截止前和截止当日推送未报县区;"
                         "预警:导入后县区指标转为红色预警、新签约10亿元以上项目时推送。选择县区则只推送该县区的内容。",
    "subscribe": "添加订阅", "subscription_pick": "选择订阅", "unsubscribe": "取消订阅",
    "push_now": "立即推送月度通报", "push_now_button": "向所有订阅渠道推送该月通报",
    "push_done": "推送完成:成功{sent}条,失败{failed}条(失败的将由定时任务重试)",
    "deliveries_help": "每次发送尝试一行,最新的在前;失败的按间隔自动重试,达到次数上限后放弃。",
    "delivery_columns": ("时间", "渠道", "内容", "期间", "标题", "本次结果", "当前状态", "下次重试", "渠道应答"),
    "no_deliveries": "暂无推送记录。",
    "tabs": ("年度目标", "县区与别名", "产业链", "企业标签", "阈值与权重", "用户", "显示链接", "上报日历", "推送",
             "推送记录", "审计日志"),
    "saved": "已保存",
    "nothing_changed": "没有需要保存的修改",
    # targets
    "year": "年度",
    "targets_help": "直接在表格中修改各县区的年度目标(金额单位亿元,制造业占比填百分数,如 60),清空即取消该目标,"
                    "然后点击“保存年度目标”。",
    "targets_save": "保存年度目标",
    "targets_saved": "已保存 {year} 年的年度目标,共修改 {n} 项",
    "targets_upload": "或上传“年度目标”工作表(列:年度、县区、指标、目标值;可含多个年度)",
    "targets_problems": "文件中有 {n} 处问题,未导入任何目标:",
    "targets_preview": "将导入以下 {n} 项年度目标:",
    "targets_import": "导入这些年度目标",
    "targets_imported": "已导入年度目标,共修改 {n} 项",
    "targets_columns": ("年度", "县区", "指标", "目标值", "原目标值"),
    "problem_columns": ("工作表", "行号", "列", "填写的值", "问题"),
    # regions and chains
    "region_columns": ("县区", "类型", "别名", "项目数"),
    "region_add": "添加县区",
    "region_name": "县区名称",
    "region_kind": "类型",
    "aliases": "别名(多个用“、”分隔)",
    "aliases_edit": "修改别名",
    "aliases_pick_region": "县区",
    "aliases_save": "保存别名",
    "region_added": "已添加县区:{name}",
    "chain_columns": ("产业链", "别名", "项目数"),
    "chain_add": "添加产业链",
    "chain_name": "产业链名称",
    "aliases_pick_chain": "产业链",
    "chain_added": "已添加产业链:{name}",
    "add": "添加",
    # tags
    "tag_columns": ("企业标签", "类别"),
    "tag_add": "添加企业标签",
    "tag_name": "标签名称",
    "tag_kind": "类别",
    "tag_added": "已添加企业标签:{name}",
    # settings
    "settings_help": "这里保存的数值存放在数据库中,优先于环境变量,对所有用户立即生效。",
    "settings_columns": ("设置", "当前值", "来源"),
    "settings_save": "保存阈值与权重",
    "settings_saved": "已保存阈值与权重,共修改 {n} 项",
    "settings_reset": "恢复“{label}”为环境变量或默认值",
    "weights_title": "综合得分权重",
    # users
    "user_columns": ("用户名", "角色", "负责县区", "状态", "创建时间"),
    "user_active": "在用",
    "user_disabled": "已停用",
    "user_create": "创建账号",
    "user_name": "用户名",
    "user_role": "角色",
    "user_regions": "负责县区(县区工作人员必填)",
    "password_new": "密码",
    "password_again": "再次输入密码",
    "user_created": "已创建账号:{name}",
    "user_pick": "选择账号",
    "user_edit": "修改角色与县区",
    "user_save": "保存角色与县区",
    "user_saved": "已保存账号“{name}”的角色与县区",
    "password_reset": "重置密码",
    "password_reset_done": "已重置账号“{name}”的密码",
    "user_disable": "停用账号",
    "user_enable": "启用账号",
    "user_disabled_done": "已停用账号“{name}”",
    "user_enabled_done": "已启用账号“{name}”",
    # display links
    "links_help": "显示链接让会议室大屏无需登录即可只读打开大屏页面;链接只在创建时显示一次,"
                  "系统只保存其摘要。不再使用时请撤销。",
    "link_create": "创建显示链接",
    "link_label": "名称(如“一号会议室大屏”)",
    "link_created": "已创建显示链接“{label}”。请立即复制下面的地址(之后无法再次查看):",
    "link_columns": ("编号", "名称", "创建人", "创建时间", "状态"),
    "link_active": "有效",
    "link_revoked": "已撤销({at} {by})",
    "link_pick": "选择要撤销的链接",
    "link_revoke_sure": "确认撤销:使用该链接的大屏将立即无法打开",
    "link_revoke": "撤销显示链接",
    "link_revoked_done": "已撤销显示链接 #{id}",
    "no_links": "暂无显示链接。",
    # audit
    "audit_action": "操作",
    "audit_all": "全部操作",
    "audit_actor": "操作人",
    "audit_limit": "显示条数",
    "audit_empty": "暂无审计记录。",
}

# notifications (SPEC §3, §7)
PUSH_KINDS = {"briefing": "月度通报", "reminder": "上报提醒", "alert": "预警"}
DELIVERY_STATUS = {"sending": "发送中", "sent": "已发送", "failed": "失败,待重试", "given_up": "失败,已放弃",
                   "skipped": "无需发送"}
# one attempt's result in the delivery log (notify.attempts' result): its outcome, or the delivery's status
# when it has no attempt (skipped, being sent)
ATTEMPT_RESULTS = DELIVERY_STATUS | {"ok": "成功", "error": "失败"}
REPORT_STATUS = {"on_time": "按时上报", "late": "逾期上报", "missing": "逾期未报", "pending": "未报(未到截止日)"}
