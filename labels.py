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
    "text": "本期通报", "no_regions": "尚未配置县区",
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
}

# importer messages
MSG = {
    "no_period": "无法确定填报期间:请选择年份和月份,或在文件名/标题中写明如“2023年5月”",
    "no_known_sheet": "工作簿中没有可识别的工作表(应包含 项目台账、到位资金明细、年度目标、驻点招商、问题台账 之一)",
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
    "rollback_blocked": "批次 #{batch} 之后的批次 #{later} 修改了相同的数据,请先回滚批次 #{later}",
    "batch_not_active": "批次 #{batch} 当前状态为“{status}”,无法回滚",
    "batch_missing": "批次 #{batch} 不存在",
    "file_empty": "文件是空的,请重新选择要上传的 Excel 文件",
    "file_too_big": "文件超过 {mb} MB,请删除无关的工作表或图片后再上传",
    "file_encrypted": "文件设置了打开密码,请在 Excel 中取消密码(文件→信息→保护工作簿)后再上传",
    "file_xls": "这是旧版 Excel(.xls)文件,请在 Excel 中“另存为”Excel 工作簿(.xlsx)后再上传",
    "file_csv": "这是 CSV 文本文件,不是 Excel 工作簿;请用模板填写,或在 Excel 中“另存为”.xlsx 后再上传",
    "file_html": "这是网页文件(可能是从系统导出的“假 xls”),请在 Excel 中打开后“另存为”.xlsx 再上传",
    "file_not_excel": "无法识别为 Excel 工作簿(.xlsx),请确认上传的是用模板填写的 Excel 文件",
    "file_corrupt": "文件已损坏或不完整,无法读取;请在 Excel 中打开确认无误并重新保存后再上传",
    "file_bomb": "文件解压后的体积异常(可能是压缩炸弹),已拒绝读取",
    "file_dtd": "文件中含有不允许的 XML 声明(DTD/实体),已拒绝读取",
    "sheet_too_large": "工作表“{sheet}”声明的范围为 {ref},超出允许的范围(最多 {rows} 行、{cols} 列);"
                       "请删除远处的空白单元格或格式后再上传",
    "file_timeout": "文件读取超时,请拆分成较小的文件后再上传",
    "file_crashed": "文件无法读取(内容范围异常或过大),请在 Excel 中删除多余的行列并重新保存后再上传",
    "formula_no_value": "公式没有计算结果,请在 Excel 中打开并保存(或改为数值)后再上传",
    "too_many_rows": "行数超过上限 {rows} 行,请拆分后再上传",
    "font_missing": "服务器未安装中文字体,无法导出图片:请管理员执行 apt-get install fonts-noto-cjk",
    "no_rows": "工作簿中没有可导入的数据行(模板中的示例行不会被导入)",
    "not_visited": "考察回访企业数不能大于对接企业数",
    "unknown_indicator": "指标“{value}”不是已知指标,可选:{choices}",
}

BATCH_STATUS = {"active": "有效", "superseded": "已被替代", "rolled_back": "已回滚"}

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
