//! `chengguo-corpus`: a deterministic synthetic corpus generator for benchmarks.
//!
//! ```text
//! chengguo-corpus OUT_DIR [--scale national|small] [--seed N] [--threads N] [--force] [--quiet]
//! ```
//!
//! Writes a complete chengguo site (`OUT_DIR/site.yaml`,
//! `OUT_DIR/content/{outcomes,holders,regions,cases,notices}/<id>.md`) whose
//! front matter is valid against the content model and whose bodies are
//! realistic-looking Chinese education prose (headings, paragraphs, lists,
//! the odd table and blockquote, links between records), built from a
//! built-in vocabulary sampled with Zipf-like frequencies.
//!
//! National scale: 1,500 outcomes, 800 holders, 400 regions, 10,000 cases,
//! 300 notices (13,000 records, ~40 million Han characters of body text).
//! Small scale: 15 / 8 / 4 / 100 / 3 (130 records) for tests.
//!
//! Determinism: every record draws from its own PRNG stream derived from
//! (seed, kind, index), so the output is byte-identical for the same seed
//! whatever the number of threads. No dependencies beyond `std`.

use std::fmt::Write as _;

use chengguo::content::Kind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

// ---------------------------------------------------------------------------
// PRNG: splitmix64
// ---------------------------------------------------------------------------

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct Rng(u64);

impl Rng {
    /// An independent stream for (seed, stream, index).
    fn derive(seed: u64, stream: u64, index: u64) -> Rng {
        Rng(splitmix(splitmix(splitmix(seed) ^ stream) ^ index))
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

// Stream tags (arbitrary constants).
const S_HOLDER: u64 = 0x686f6c64;
const S_OUTCOME: u64 = 0x6f757463;
const S_REGION: u64 = 0x72656769;
const S_CASE: u64 = 0x63617365;
const S_NOTICE: u64 = 0x6e6f7469;
const S_BODY: u64 = 0x626f6479;

// ---------------------------------------------------------------------------
// Zipf-like sampling (Zipf–Mandelbrot, exponent 1: weights 1/(rank + q)).
// Only IEEE division and addition: identical results on every platform.
// ---------------------------------------------------------------------------

struct Zipf {
    cum: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, q: f64) -> Zipf {
        let mut t = 0.0;
        let cum = (0..n)
            .map(|r| {
                t += 1.0 / (r as f64 + q);
                t
            })
            .collect();
        Zipf { cum }
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit() * self.cum[self.cum.len() - 1];
        self.cum
            .partition_point(|&c| c <= u)
            .min(self.cum.len() - 1)
    }
}

/// A word list sampled with Zipf frequencies (earlier = more frequent).
struct List {
    words: Vec<&'static str>,
    z: Zipf,
}

impl List {
    fn new(src: &'static str, q: f64) -> List {
        let words: Vec<&'static str> = src.split_whitespace().collect();
        let z = Zipf::new(words.len(), q);
        List { words, z }
    }
    fn get(&self, rng: &mut Rng) -> &'static str {
        self.words[self.z.sample(rng)]
    }
}

// ---------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------

/// Education terms, roughly in order of frequency.
const TERMS: &str = "
核心素养 课堂教学 作业设计 教研 立德树人 双减 学习进阶 大概念 课程德育 专递课堂 评价改革
跨学科主题学习 项目式学习 单元整体教学 深度学习 学科育人 课程标准 教学改进 区域教研 校本教研
教师专业发展 大单元教学 教学方式 育人方式 学习方式 教学设计 教学质量 课程体系 校本课程 课程实施
名师工作室 骨干教师 青年教师 乡村教师 城乡学校 集团化办学 教育均衡 优质均衡 学业质量 作业负担
课后服务 家校共育 劳动教育 美育 心理健康教育 综合素质评价 表现性评价 过程性评价 增值评价 教学评一体化
逆向设计 真实情境 情境教学 问题链 学习任务群 整本书阅读 思维品质 科学探究 实验教学 生活化实验
信息技术 智慧课堂 数字化转型 国家智慧教育平台 远程教育 同步课堂 名师课堂 名校网络课堂 大数据 学情分析
精准教学 分层作业 弹性作业 实践性作业 跨学科作业 长作业 作业管理 作业评价 作业公示 课程建设
课程领导力 课程思政 德育一体化 大中小学思政课 红色文化 中华优秀传统文化 民族文化 非遗进校园 研学实践 综合实践活动
STEM教育 科学教育 人工智能教育 编程教育 阅读素养 数学建模 英语阅读 写作教学 诗教 书法教育
课堂变革 育人模式 教学范式 教研范式 教学主张 教学模式 教学策略 教学反思 课例研究 听评课
磨课 同课异构 集体备课 备课组 教研组 教研共同体 学习共同体 教师培训 校长培训 示范区
示范校 基地学校 实验区 推广应用 成果转化 教学成果 优秀教学成果 成果培育 成果推广 区域推进
整体推进 试点学校 帮扶学校 结对帮扶 对口支援 县域高中 县中振兴 乡村小规模学校 寄宿制学校 农村学校
薄弱学校 新优质学校 特色高中 普通高中多样化 选课走班 新高考 学业水平考试 中考改革 考试评价 命题改革
试题命制 作业命题 质量监测 学业质量标准 育人质量 办学质量 学校文化 学校治理 现代学校制度 家长学校
社区教育 幼小衔接 小初衔接 初高衔接 游戏化学习 自主游戏 融合教育 随班就读 送教上门 特殊需要学生
职业启蒙 产教融合 劳动实践基地 校园农场 体育大课间 阳光体育 健康教育 近视防控 心理辅导 班主任工作
班级管理 全员导师制 学生发展指导 学生自主管理 小组合作学习 合作学习 探究式学习 体验式学习 主题式学习 情境化学习
可视化学习 学习单 导学案 学习支架 学习评价 课堂观察 课堂评价 课堂提问 板书设计 单元作业
课时作业 预习作业 复习作业 作业批改 作业反馈 学习兴趣 学习习惯 学习能力 关键能力 必备品格
正确价值观 学科核心素养 高阶思维 批判性思维 创新思维 计算思维 空间观念 模型意识 数感 语言运用
审美创造 文化自信 科学思维 实践能力 社会责任 家国情怀 教育信息化 资源共享 优质资源 数字资源
精品课 微课 录播教室 在线教研 网络教研 混合式教研 主题教研 专题教研 联片教研 校际教研
跨区域教研 教研转型 教研制度 教研指导 教研质量 实证研究 行动研究 课题研究 质性研究 循证教研
数据驱动 学习诊断 教学诊断 课堂转型 二精课堂 三空间诗教 生本课堂 活力课堂 高效课堂 主体教育
";

const VERBS: &str = "
推进 深化 构建 探索 实施 完善 优化 提升 促进 落实 开展 形成 建立 强化 推广 应用 改进 研制 总结 提炼
凝练 转化 引领 带动 支撑 融合 聚焦 整合 统筹 创新 加强 健全 打造 培育 激发 培养 规范 指导 组织 设计
开发 梳理 重构 破解 拓展 丰富 夯实 赋能 推动 发挥 用好 研究 检验 评估 监测 跟踪 诊断 反思 分享 交流
展示 辐射 服务 保障 支持 细化 明确 厘清 贯通 衔接
";

const ADVS: &str = "
不断 进一步 逐步 全面 积极 切实 有效 扎实 持续 深入 系统 稳步 主动 协同 率先 着力 重点 分层 分类 精准
整体 有序 大力 广泛 创造性地 常态化地 
";

const ADJS: &str = "
区域 校本 高质量 系统 常态化 整体 多元 精准 个性化 差异化 结构化 情境化 可视化 一体化 协同 开放 综合 创新
科学 规范 有效 适切 优质 基础 关键 具体 典型 可复制 可推广 长周期 全链条 全学段
";

const HEADS: &str = "
质量 体系 机制 路径 模式 策略 水平 能力 效果 实践 研究 评价 改革 建设 设计 框架 标准 工具 资源 案例
平台 流程 范式 方案 成效 经验 问题 目标 内容 方法 途径 保障 制度 文化 生态 样态 要素 指标
";

const ACTORS: &str = "
学校 教师 学生 教研员 课题组 成果团队 区教育局 区教研室 教研组 备课组 项目组 基地学校 实验学校 示范区 各学校
任课教师 班主任 校长 家长 学科组 工作室成员 教研团队 管理团队 指导专家 骨干教师团队
";

const CONNECTIVES: &str = "
同时 此外 因此 首先 其次 再次 最后 一方面 另一方面 在此基础上 与此同时 总体来看 实践表明 具体而言 值得注意的是
近年来 长期以来 为此 由此 总之 事实上 进一步看 从实践看 从效果看 在具体实施中
";

const RESULTS: &str = "
取得了明显成效 得到显著提升 形成了良好氛围 受到广泛好评 积累了丰富经验 实现了整体提升 得到了有效落实 产生了积极影响
逐步走向常态 有了明显改善 获得了师生认可 发挥了示范引领作用 更加扎实 更有针对性 明显减轻 稳步提高 焕发出新的活力
";

const PROBLEMS: &str = "
碎片化 形式化 同质化 负担过重 针对性不强 效率不高 缺乏系统设计 城乡差距较大 重知识轻素养 评价方式单一 资源不足
专业支持不够 机制不健全 落实不到位 质量参差不齐 内容与目标脱节 重数量轻质量 学段衔接不畅
";

const ROLES: &str = "
关键 重要抓手 核心环节 基础 突破口 重要载体 有效途径 根本任务 必然要求 重要保障 内在要求 着力点 生长点
";

const ACTIVITIES: &str = "
课例研究 专题教研 教学实践 课堂展示 研讨活动 同课异构 主题沙龙 送教下乡 教学开放日 工作坊 现场观摩 读书分享
";

/// Subject-specific words: (subjects sharing the list, words). A record's `subjects`
/// pick the lists its text draws from, so topical words cluster by record.
const SUBJECT_WORDS: &[(&str, &str)] = &[
    ("语文", "古诗词 文言文 现代文 散文 小说 诗歌 童话 寓言 神话 修辞 比喻 拟人 排比 段落 标点 识字 写字 拼音 词语 句子 作文 习作 日记 朗读 默读 背诵 阅读理解 名著 鲁迅 李白 杜甫 苏轼 论语 红楼梦 西游记 三国演义 水浒传 朱自清 口语交际 演讲 书信 说明文 议论文 记叙文 诗词大会 课外阅读"),
    ("数学", "函数 方程 不等式 几何 三角形 平行四边形 圆 面积 体积 周长 分数 小数 百分数 比例 概率 统计 数列 向量 导数 坐标系 图形 对称 平移 旋转 计算 估算 口算 乘法口诀 因数 倍数 质数 负数 代数式 勾股定理 抛物线 集合 数轴 鸡兔同笼 数学日记 数学史"),
    ("英语/外语/日语/俄语/德语/法语/西班牙语", "单词 词汇 语法 时态 听力 口语 阅读 写作 语篇 绘本 对话 句型 音标 自然拼读 短文 书面表达 情景剧 英文歌曲 跨文化交际 主题意义 读写结合 话题 语用"),
    ("物理", "力 运动 速度 加速度 牛顿定律 浮力 压强 杠杆 滑轮 电路 电流 电压 电阻 欧姆定律 磁场 电磁感应 光的折射 透镜 声音 温度 比热容 能量守恒 功率 机械能 摩擦力 重力 弹簧测力计 自制教具 演示实验 分组实验"),
    ("化学", "元素 原子 分子 离子 化学方程式 酸碱盐 氧化还原 催化剂 溶液 溶解度 质量守恒 燃烧 金属 有机物 试管 烧杯 酒精灯 pH 沉淀 气体制取 微型实验 物质转化"),
    ("生物学", "细胞 组织 器官 遗传 变异 进化 生态系统 光合作用 呼吸作用 显微镜 种子 植物 动物 微生物 基因 DNA 食物链 生物多样性 标本 观察记录 校园植物 养蚕"),
    ("历史", "朝代 秦汉 唐宋 明清 丝绸之路 辛亥革命 五四运动 长征 抗日战争 改革开放 史料 文物 年表 历史人物 考古 博物馆 时空观念 史料实证 家国记忆"),
    ("地理", "地图 经纬网 等高线 气候 降水 地形 河流 山脉 人口 城市化 农业 工业 交通 区域 自然灾害 地球仪 季风 野外考察 乡土地理 人地协调"),
    ("科学", "观察 实验 测量 猜想 验证 材料 水的三态 植物生长 天气 磁铁 简单机械 太阳系 月相 岩石 土壤 科学小制作 种植角 科学日记"),
    ("道德与法治/思想政治/德育", "宪法 法律 权利 义务 公民 规则 诚信 友善 责任 集体 国家 民族团结 社会主义核心价值观 时事 议题 议题式教学 升旗仪式 主题班会 志愿服务 家风家训"),
    ("信息科技/信息技术/技术/通用技术", "算法 编程 数据 程序 网络 信息安全 人工智能 物联网 传感器 图形化编程 Python 机器人 数字化工具 开源硬件 创客空间 技术设计 模型制作"),
    ("体育与健康", "体能 跳绳 篮球 足球 排球 田径 武术 广播操 游泳 耐力跑 体质健康 运动技能 运动会 健康知识 课间操"),
    ("艺术/音乐", "节奏 旋律 合唱 乐器 竖笛 民歌 戏曲 京剧 欣赏 演唱 舞蹈 课本剧 艺术节 童谣"),
    ("美术", "绘画 色彩 线条 构图 剪纸 泥塑 版画 国画 设计 手工 写生 扎染 年画 美术馆"),
    ("劳动", "烹饪 种植 养殖 家务劳动 木工 手工制作 校园劳动 工匠精神 劳动清单 劳动周 农耕体验 非遗技艺"),
    ("综合实践活动", "研究性学习 社会调查 考察探究 职业体验 社区服务 设计制作 研学旅行 小课题 调查报告"),
    ("心理健康", "情绪管理 人际交往 自我认识 学习压力 团体辅导 心理委员 生命教育 积极心理 沙盘游戏"),
];

const GENERAL_NOUNS: &str = "
问题 过程 方法 目标 经验 知识 能力 兴趣 习惯 活动 任务 作品 环节 步骤 阶段 角度 主题 话题 故事 材料
工具 资料 数据 信息 证据 记录 结果 原因 影响 关系 条件 机会 挑战 困难 变化 特点 规律 现象 意义 价值
作用 责任 需求 技能 思路 观点 想法 态度 情感 品质 精神 信心 热情 成长 进步 差距 优势 不足 层次 视角
维度 领域 范围 空间 时间 场景 同伴 伙伴 小组 集体 课堂 教室 校园 操场 图书馆 社会 生活 自然 环境 家庭
社区 城市 乡村 时代 世界 国家 历史 文化 未来 方向 本质 规则 秩序 节奏 细节 整体 部分 联系 区别 结构
功能 形式 内容 标准 要求 建议 意见 反馈 评语 成绩 表现 收获 体会 感悟 困惑 疑问 答案 线索 路径 模型
";

const GENERAL_VERBS: &str = "
认识 理解 发现 观察 思考 讨论 体验 感受 表达 交流 分析 比较 归纳 概括 判断 推理 解释 说明 描述 记录
整理 收集 调查 访问 制作 尝试 完成 解决 运用 迁移 反思 总结 分享 展示 合作 探究 质疑 想象 创造 欣赏
修改 阅读 书写 倾听 提问 回答 练习 巩固 梳理 建构 关联 联系 辨析 论证 规划 实践 感知 领悟 内化 表现
";

const GENERAL_ADJS: &str = "
丰富 生动 具体 真实 开放 多样 新颖 独特 深刻 清晰 直观 完整 灵活 自然 有趣 积极 主动 扎实 细致 充分
深入 系统 准确 完善 合理 明确 鲜活 朴素 温暖 严谨
";

const REACTIONS: &str =
    "兴趣盎然 积极参与 跃跃欲试 思维活跃 收获满满 意犹未尽 各抒己见 争相发言 热情高涨 专注投入";

const BINDS: &str = "三位一体 协同推进 一体化 联动 贯通 融合发展 同向发力";
const RELATIONS: &str = "相互促进 深度融合 有机结合 同向发力 互为支撑 相辅相成";
const OFFERS: &str =
    "提供了新的思路 指明了方向 奠定了基础 创造了条件 提供了有力支撑 探索了可行路径";
const DURATIONS: &str = "两 三 四 五 六 八 十 十余";

const SURNAMES: &str = "
王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董
袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 方 白 邹 孟
熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤 欧阳 司马 上官
";

const GIVEN: &str = "
伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 建 国 文 辉 玲 萍 红 燕 鹏 飞 宇 晨
欣 怡 佳 琳 雪 梅 兰 婷 慧 颖 晓 春 海 波 峰 林 志 永 新 成 荣 斌 宏 庆 彬 俊 凯 浩 然 丹 倩 蕾 璐 瑶 洁 清
源 泽 睿 博 思 雅 诗 涵 子 一 嘉 航 远 东 立 学 德 卫 民 福 生 金 云 亮 健 良 宁 安 祥 锋 振 江 川 山 秋 冬 晶
翠 凤 莉 琴 菊
";

const PLACE1: &str = "
江 清 柳 南 东 西 北 安 长 永 宁 平 新 兴 华 金 龙 凤 白 青 云 阳 泰 德 定 常 顺 广 宜 临 丰 富 嘉 福 昌 荣 武
文 通 和 建 汉 湘 浦 河 海 湖 石 桂 梅 松 章 吉 庐 绵 遂 黔 岳 衡 邵 常 溧 荆 襄 沅 资
";
const PLACE2: &str = "
津 远 州 阳 山 川 宁 安 平 城 源 江 溪 林 台 口 水 沙 门 原 乡 陵 昌 德 丰 兴 南 北 西 东 化 岭 桥 湾 峰 泉 宁 川
";
const SCHOOL_NAMES: &str = "
实验 育才 启明 聚奎 求实 明德 崇文 致远 树人 博雅 朝阳 红星 光明 新华 育英 培英 励志 思源 阳光 向阳 西城 东城
城南 城北 滨江 湖滨 文昌 青云 凤鸣 龙泉 南湖 北山 桃李 紫荆 翠屏 锦江
";
const ORDINALS: &[&str] = &[
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "十三",
    "十四",
    "十五",
    "十六",
    "十七",
    "十八",
    "十九",
    "二十",
    "二十一",
    "二十五",
    "三十",
    "三十五",
    "四十",
];

/// (full name, short name, one-character abbreviation for document numbers)
const PROVINCES: &[(&str, &str, &str)] = &[
    ("北京市", "北京", "京"),
    ("天津市", "天津", "津"),
    ("河北省", "河北", "冀"),
    ("山西省", "山西", "晋"),
    ("内蒙古自治区", "内蒙古", "内"),
    ("辽宁省", "辽宁", "辽"),
    ("吉林省", "吉林", "吉"),
    ("黑龙江省", "黑龙江", "黑"),
    ("上海市", "上海", "沪"),
    ("江苏省", "江苏", "苏"),
    ("浙江省", "浙江", "浙"),
    ("安徽省", "安徽", "皖"),
    ("福建省", "福建", "闽"),
    ("江西省", "江西", "赣"),
    ("山东省", "山东", "鲁"),
    ("河南省", "河南", "豫"),
    ("湖北省", "湖北", "鄂"),
    ("湖南省", "湖南", "湘"),
    ("广东省", "广东", "粤"),
    ("广西壮族自治区", "广西", "桂"),
    ("海南省", "海南", "琼"),
    ("重庆市", "重庆", "渝"),
    ("四川省", "四川", "川"),
    ("贵州省", "贵州", "黔"),
    ("云南省", "云南", "云"),
    ("西藏自治区", "西藏", "藏"),
    ("陕西省", "陕西", "陕"),
    ("甘肃省", "甘肃", "甘"),
    ("青海省", "青海", "青"),
    ("宁夏回族自治区", "宁夏", "宁"),
    ("新疆维吾尔自治区", "新疆", "新"),
    ("新疆生产建设兵团", "兵团", "兵"),
    ("香港特别行政区", "香港", "港"),
    ("澳门特别行政区", "澳门", "澳"),
];
const MAINLAND: usize = 31;

fn is_municipality(p: usize) -> bool {
    matches!(p, 0 | 1 | 8 | 21)
}

const STAGES: &[&str] = &[
    "小学",
    "初中",
    "普通高中",
    "学前教育",
    "跨学段",
    "职业教育",
    "特殊教育",
];
const SUBJECTS: &str = "
语文 数学 英语 道德与法治 科学 物理 化学 生物学 历史 地理 思想政治 信息科技 体育与健康 艺术 音乐 美术 劳动
综合实践活动 德育 教研 学校管理 评价 综合 心理健康 外语 信息技术 通用技术 技术 日语 俄语 德语 法语 西班牙语
";
const HOLDER_KINDS: &[&str] = &[
    "中小学",
    "教研机构",
    "高等学校",
    "教育行政部门",
    "幼儿园",
    "其他",
];
const LEVELS: &[&str] = &["特等奖", "一等奖", "二等奖"];
const YEARS: &[u32] = &[2014, 2018, 2022];
const PROMOTIONS: &[&str] = &["文字", "视频", "课程", "工作室"];

struct Vocab {
    terms: List,
    verbs: List,
    advs: List,
    adjs: List,
    heads: List,
    actors: List,
    conns: List,
    results: List,
    problems: List,
    roles: List,
    activities: List,
    binds: List,
    relations: List,
    offers: List,
    durations: List,
    surnames: List,
    given: List,
    subject_words: Vec<(Vec<&'static str>, List)>,
    general_nouns: List,
    general_verbs: List,
    general_adjs: List,
    reactions: List,
    place1: List,
    place2: List,
    school_names: List,
    subjects: List,
}

impl Vocab {
    fn new() -> Vocab {
        Vocab {
            terms: List::new(TERMS, 2.7),
            verbs: List::new(VERBS, 2.0),
            advs: List::new(ADVS, 2.0),
            adjs: List::new(ADJS, 2.0),
            heads: List::new(HEADS, 2.0),
            actors: List::new(ACTORS, 2.0),
            conns: List::new(CONNECTIVES, 3.0),
            results: List::new(RESULTS, 3.0),
            problems: List::new(PROBLEMS, 3.0),
            roles: List::new(ROLES, 3.0),
            activities: List::new(ACTIVITIES, 3.0),
            binds: List::new(BINDS, 3.0),
            relations: List::new(RELATIONS, 3.0),
            offers: List::new(OFFERS, 3.0),
            durations: List::new(DURATIONS, 3.0),
            surnames: List::new(SURNAMES, 4.0),
            given: List::new(GIVEN, 10.0),
            subject_words: SUBJECT_WORDS
                .iter()
                .map(|(subs, words)| (subs.split('/').collect(), List::new(words, 3.0)))
                .collect(),
            general_nouns: List::new(GENERAL_NOUNS, 3.0),
            general_verbs: List::new(GENERAL_VERBS, 3.0),
            general_adjs: List::new(GENERAL_ADJS, 3.0),
            reactions: List::new(REACTIONS, 3.0),
            place1: List::new(PLACE1, 20.0),
            place2: List::new(PLACE2, 20.0),
            school_names: List::new(SCHOOL_NAMES, 10.0),
            subjects: List::new(SUBJECTS, 4.0),
        }
    }
}

/// Sentence templates. `{X}` expands according to the code letter (see `Gen::expand`).
const TEMPLATES: &[&str] = &[
    "{C}，{S}{A}{V}{N}，{V}{N}。",
    "{S}以{N}为抓手，{A}{V}{N}，推动{N}{R}。",
    "在{N}的过程中，{S}{V}了{U}{T}，{N}{R}。",
    "通过{V}{N}，{N}{R}。",
    "{M}老师在{K}开展“{T}”{E}，{A}{V}{N}。",
    "实践表明，{N}与{N}{G}，{A}{V}了{N}。",
    "{P}{A}{V}{N}，覆盖{U}、{U}，{N}{R}。",
    "{N}是{N}的{L}，也是{V}{N}的{L}。",
    "针对{N}{Q}的问题，{S}{A}{V}{N}，{A}{V}{N}。",
    "{S}{A}{V}“{T}、{T}、{T}”{B}的{N}。",
    "{Y}年以来，{P}共{V}{N}{U}，形成{T}{H}{U}，{N}{R}。",
    "如何{V}{N}？{S}{A}{V}{N}，{A}{V}{N}。",
    "{N}{A}{V}，{N}{A}{V}。",
    "{C}，{K}{A}{V}{N}，{S}的{N}{R}。",
    "{S}围绕{N}，{V}{N}、{V}{N}和{V}{N}。",
    "{M}、{M}等{S}{A}{V}{N}，{N}{R}。",
    "{K}把{T}作为{N}的{L}，{A}{V}{N}。",
    "以{T}为核心，{S}{V}了{N}，{C}，{N}{R}。",
    "据统计，{P}已有{U}参与{T}，{N}{R}，{%}的{S}认为{N}{R}。",
    "{S}从{N}入手，{A}{V}{N}，使{N}{R}。",
    "{N}的关键在于{V}{N}，{S}要{A}{V}{N}。",
    "{T}不仅{V}了{N}，而且{V}了{N}。",
    "{S}在{T}中{A}{V}{N}，{N}{R}，{N}{R}。",
    "经过{X}年的探索，{S}{V}了{N}的{H}，{N}{R}。",
    "{P}的{S}普遍反映，{N}{R}。",
    "“{T}”的提出，为{V}{N}{F}。",
    "{C}，{S}{A}{V}{N}，{N}的{H}{R}。",
    "{S}坚持{N}，{A}{V}{N}。",
    "{C}，{N}{Q}、{N}{Q}等问题{A}得到解决。",
    "{K}的做法是：{V}{N}，{V}{N}，{V}{N}。",
    "学生在{D}的学习中{O}{W}，{O}{W}，{I}地{O}了{D}。",
    "教师引导学生{O}{D}与{W}之间的联系，在{O}{W}的过程中{O}{D}。",
    "以“{D}”一课为例，{S}设计了{O}{W}、{O}{D}、{O}{W}三个环节。",
    "课堂上，{M}老师请学生先{O}{D}，再{O}{W}，学生{Z}。",
    "{W}是{D}学习的重要{W}，学生通过{O}{W}{O}了{D}的{W}。",
    "在“{D}”单元，{S}围绕“{W}”这一{W}，{A}{O}{D}和{D}。",
    "这种{I}的{W}，让学生在{O}{W}中{O}{D}，{O}{W}。",
    "{D}、{D}和{D}等内容被整合进{T}，学生的{W}{R}。",
    "{M}老师说：“{D}不是孤立的{W}，要让学生{O}它与{W}的联系。”",
    "在{D}教学中，{S}注重{O}学生的{W}，{I}{O}{D}。",
];

// ---------------------------------------------------------------------------
// Text generation
// ---------------------------------------------------------------------------

struct Gen<'a> {
    v: &'a Vocab,
    rng: Rng,
    /// Record-specific topic terms, used more often than their global frequency.
    topic: Vec<&'static str>,
    places: Vec<String>,
    schools: Vec<String>,
    people: Vec<String>,
    /// Indices into `Vocab::subject_words` for the record's subjects.
    domain: Vec<usize>,
    out: String,
}

impl<'a> Gen<'a> {
    fn new(v: &'a Vocab, rng: Rng) -> Gen<'a> {
        Gen {
            v,
            rng,
            topic: Vec::new(),
            places: Vec::new(),
            schools: Vec::new(),
            people: Vec::new(),
            domain: Vec::new(),
            out: String::new(),
        }
    }

    fn term(&mut self) -> &'static str {
        if !self.topic.is_empty() && self.rng.chance(0.25) {
            self.topic[self.rng.below(self.topic.len())]
        } else {
            self.v.terms.get(&mut self.rng)
        }
    }

    /// Set the subject-word lists for the record's subjects.
    fn set_subjects(&mut self, subjects: &[&str]) {
        self.domain = (0..self.v.subject_words.len())
            .filter(|&i| {
                self.v.subject_words[i]
                    .0
                    .iter()
                    .any(|s| subjects.contains(s))
            })
            .collect();
    }

    fn push_term(&mut self) {
        let t = self.term();
        self.out.push_str(t);
    }

    fn np(&mut self) {
        let v = self.v;
        match self.rng.below(20) {
            0..=8 => self.push_term(),
            9..=11 => {
                self.out.push_str(v.adjs.get(&mut self.rng));
                self.push_term();
            }
            12..=13 => {
                self.push_term();
                self.out.push_str(v.heads.get(&mut self.rng));
            }
            14..=15 => {
                self.push_term();
                self.out.push('的');
                self.out.push_str(v.heads.get(&mut self.rng));
            }
            16 => {
                self.out.push_str(v.adjs.get(&mut self.rng));
                self.out.push('的');
                self.push_term();
            }
            17 => {
                self.push_term();
                self.out.push('与');
                self.push_term();
            }
            18 => {
                self.push_term();
                self.out.push('和');
                self.push_term();
            }
            _ => {
                self.out.push_str("基于");
                self.push_term();
                self.out.push('的');
                self.push_term();
            }
        }
    }

    fn count_unit(&mut self) {
        const UNITS: &[(&str, usize, usize)] = &[
            ("所学校", 3, 300),
            ("名教师", 20, 5000),
            ("名学生", 100, 80000),
            ("个班级", 10, 800),
            ("节课例", 5, 200),
            ("项资源", 10, 2000),
            ("次教研活动", 5, 500),
            ("门课程", 2, 60),
            ("个案例", 3, 120),
            ("个课题", 2, 50),
            ("份作业样例", 20, 3000),
        ];
        let (u, lo, hi) = self.rng.pick(UNITS);
        let n = self.rng.range(lo, hi);
        let _ = write!(self.out, "{n}{u}");
    }

    fn place(&mut self) -> String {
        if !self.places.is_empty() && self.rng.chance(0.7) {
            self.places[self.rng.below(self.places.len())].clone()
        } else {
            let p = place_name(self.v, &mut self.rng);
            let suffix = self.rng.pick(&["市", "区", "县"]);
            p + suffix
        }
    }

    fn school(&mut self) -> String {
        if !self.schools.is_empty() && self.rng.chance(0.7) {
            self.schools[self.rng.below(self.schools.len())].clone()
        } else {
            let p = place_name(self.v, &mut self.rng);
            school_name(self.v, &mut self.rng, &p)
        }
    }

    fn person(&mut self) -> String {
        if !self.people.is_empty() && self.rng.chance(0.6) {
            self.people[self.rng.below(self.people.len())].clone()
        } else {
            person_name(self.v, &mut self.rng)
        }
    }

    fn expand(&mut self, template: &str) {
        let v = self.v;
        let mut it = template.char_indices();
        let mut last = 0;
        while let Some((i, c)) = it.next() {
            if c != '{' {
                continue;
            }
            self.out.push_str(&template[last..i]);
            let (_, code) = it.next().expect("template code");
            let (j, close) = it.next().expect("template close");
            debug_assert_eq!(close, '}');
            last = j + 1;
            match code {
                'C' => self.out.push_str(v.conns.get(&mut self.rng)),
                'S' => self.out.push_str(v.actors.get(&mut self.rng)),
                'A' => self.out.push_str(v.advs.get(&mut self.rng)),
                'V' => self.out.push_str(v.verbs.get(&mut self.rng)),
                'N' => self.np(),
                'T' => self.push_term(),
                'R' => self.out.push_str(v.results.get(&mut self.rng)),
                'Q' => self.out.push_str(v.problems.get(&mut self.rng)),
                'L' => self.out.push_str(v.roles.get(&mut self.rng)),
                'E' => self.out.push_str(v.activities.get(&mut self.rng)),
                'G' => self.out.push_str(v.relations.get(&mut self.rng)),
                'B' => self.out.push_str(v.binds.get(&mut self.rng)),
                'F' => self.out.push_str(v.offers.get(&mut self.rng)),
                'X' => self.out.push_str(v.durations.get(&mut self.rng)),
                'H' => self.out.push_str(v.heads.get(&mut self.rng)),
                'D' => {
                    let list = if self.domain.is_empty() {
                        self.rng.below(v.subject_words.len())
                    } else {
                        self.domain[self.rng.below(self.domain.len())]
                    };
                    self.out
                        .push_str(v.subject_words[list].1.get(&mut self.rng));
                }
                'W' => self.out.push_str(v.general_nouns.get(&mut self.rng)),
                'O' => self.out.push_str(v.general_verbs.get(&mut self.rng)),
                'I' => self.out.push_str(v.general_adjs.get(&mut self.rng)),
                'Z' => self.out.push_str(v.reactions.get(&mut self.rng)),
                'U' => self.count_unit(),
                'Y' => {
                    let y = self.rng.range(2014, 2024);
                    let _ = write!(self.out, "{y}");
                }
                '%' => {
                    let a = self.rng.range(60, 99);
                    let b = self.rng.below(10);
                    let _ = write!(self.out, "{a}.{b}%");
                }
                'P' => {
                    let p = self.place();
                    self.out.push_str(&p);
                }
                'K' => {
                    let s = self.school();
                    self.out.push_str(&s);
                }
                'M' => {
                    let s = self.person();
                    self.out.push_str(&s);
                }
                other => panic!("unknown template code {other}"),
            }
        }
        self.out.push_str(&template[last..]);
    }

    fn sentence(&mut self) {
        let t = TEMPLATES[self.rng.below(TEMPLATES.len())];
        self.expand(t);
    }

    fn paragraph(&mut self) {
        let n = self.rng.range(3, 6);
        for _ in 0..n {
            self.sentence();
        }
        self.out.push_str("\n\n");
    }

    fn list(&mut self) {
        let n = self.rng.range(3, 5);
        let ordered = self.rng.chance(0.4);
        for i in 1..=n {
            if ordered {
                let _ = write!(self.out, "{i}. **");
                self.out.push_str(self.v.verbs.get(&mut self.rng));
                self.np();
                self.out.push_str("**。");
                self.sentence();
            } else {
                self.out.push_str("- ");
                self.np();
                self.out.push_str(self.v.problems.get(&mut self.rng));
                self.out.push_str(if i == n { "。" } else { "；" });
            }
            self.out.push('\n');
        }
        self.out.push('\n');
    }

    fn table(&mut self) {
        if self.rng.chance(0.5) {
            self.out.push_str("| 年度 | 参与学校（所） | 参与教师（人） | 受益学生（人） |\n| --- | ---: | ---: | ---: |\n");
            let y0 = self.rng.range(2018, 2022);
            let mut s = self.rng.range(3, 30);
            let mut t = s * self.rng.range(20, 60);
            for y in y0..y0 + self.rng.range(3, 4) {
                let st = t * self.rng.range(12, 30);
                let _ = writeln!(self.out, "| {y} | {s} | {t} | {st} |");
                s += self.rng.range(2, 20);
                t += self.rng.range(50, 600);
            }
        } else {
            self.out
                .push_str("| 指标 | 应用前 | 应用后 |\n| --- | --- | --- |\n");
            for _ in 0..self.rng.range(3, 5) {
                self.out.push_str("| ");
                self.np();
                let a = self.rng.range(40, 75);
                let b = self.rng.range(a + 3, 98);
                let _ = writeln!(self.out, " | {a}% | {b}% |");
            }
        }
        self.out.push('\n');
    }

    fn quote(&mut self) {
        self.out.push_str("> ");
        self.sentence();
        self.sentence();
        self.out.push_str("\n\n");
    }

    /// Fill blocks until `budget` characters have been added.
    fn fill(&mut self, budget: usize) {
        let mut chars = 0;
        while chars < budget {
            let before = self.out.len();
            match self.rng.below(40) {
                0..=32 => self.paragraph(),
                33..=36 => self.list(),
                37..=38 => self.quote(),
                _ => self.table(),
            }
            chars += self.out[before..].chars().count();
        }
    }

    fn heading(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.out.push('#');
        }
        self.out.push(' ');
        self.out.push_str(text);
        self.out.push_str("\n\n");
    }

    fn sub_heading_text(&mut self, ord: usize) -> String {
        const CN: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
        let mut s = format!("（{}）", CN[ord % CN.len()]);
        s.push_str(self.v.verbs.get(&mut self.rng));
        let t = self.term();
        s.push_str(t);
        s.push_str(self.v.heads.get(&mut self.rng));
        s
    }

    /// A short text (≤ max chars), ending with a full stop.
    fn summary(&mut self, lead: &str, max: usize) -> String {
        let saved = std::mem::take(&mut self.out);
        self.out.push_str(lead);
        let mut n = self.out.chars().count();
        loop {
            let before = self.out.len();
            self.sentence();
            let added = self.out[before..].chars().count();
            if n + added > max {
                self.out.truncate(before);
                break;
            }
            n += added;
            if n > max / 2 && self.rng.chance(0.5) {
                break;
            }
        }
        if self.out.is_empty() || !self.out.ends_with('。') {
            // lead alone (or nothing fitted): close it
            let s: String = self.out.chars().take(max.saturating_sub(1)).collect();
            self.out = s;
            if !self.out.ends_with('。') {
                self.out.push('。');
            }
        }
        std::mem::replace(&mut self.out, saved)
    }
}

fn place_name(v: &Vocab, rng: &mut Rng) -> String {
    let mut s = String::with_capacity(8);
    s.push_str(v.place1.get(rng));
    s.push_str(v.place2.get(rng));
    s
}

fn person_name(v: &Vocab, rng: &mut Rng) -> String {
    let mut s = String::with_capacity(12);
    s.push_str(v.surnames.get(rng));
    s.push_str(v.given.get(rng));
    if rng.chance(0.7) {
        s.push_str(v.given.get(rng));
    }
    s
}

fn school_name(v: &Vocab, rng: &mut Rng, place: &str) -> String {
    let mut s = String::from(place);
    match rng.below(12) {
        0..=2 => {
            let _ = write!(s, "第{}中学", ORDINALS[rng.below(ORDINALS.len())]);
        }
        3..=4 => {
            let _ = write!(s, "第{}小学", ORDINALS[rng.below(12)]);
        }
        5 => s.push_str("实验小学"),
        6 => s.push_str("实验中学"),
        7 => {
            s.push_str(v.school_names.get(rng));
            s.push_str("中学");
        }
        8 => {
            s.push_str(v.school_names.get(rng));
            s.push_str("小学");
        }
        9 => s.push_str(rng.pick(&["中心小学", "高级中学", "外国语学校", "九年一贯制学校"])),
        10 => s.push_str(rng.pick(&["实验幼儿园", "中心幼儿园", "第一幼儿园"])),
        _ => s.push_str(rng.pick(&["特殊教育学校", "职业教育中心", "职业技术学校", "初级中学"])),
    }
    s
}

fn pick_distinct<T: Copy + PartialEq>(
    rng: &mut Rng,
    n: usize,
    mut f: impl FnMut(&mut Rng) -> T,
) -> Vec<T> {
    let mut out = Vec::with_capacity(n);
    let mut tries = 0;
    while out.len() < n && tries < n * 8 {
        tries += 1;
        let x = f(rng);
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

fn pick_province(rng: &mut Rng) -> usize {
    if rng.chance(0.03) {
        MAINLAND + rng.below(PROVINCES.len() - MAINLAND)
    } else {
        rng.below(MAINLAND)
    }
}

fn edu_department(p: usize) -> String {
    let (full, _, _) = PROVINCES[p];
    match p {
        _ if is_municipality(p) => format!("{full}教育委员会"),
        31 => "新疆生产建设兵团教育局".to_string(),
        32 => "香港特别行政区政府教育局".to_string(),
        33 => "澳门特别行政区政府教育及青年发展局".to_string(),
        _ => format!("{full}教育厅"),
    }
}

fn stages(rng: &mut Rng) -> Vec<&'static str> {
    let n = if rng.chance(0.7) { 1 } else { 2 };
    let z = Zipf::new(STAGES.len(), 1.5);
    pick_distinct(rng, n, |r| STAGES[z.sample(r)])
}

fn subjects(v: &Vocab, rng: &mut Rng) -> Vec<&'static str> {
    let n = rng.range(1, 3);
    pick_distinct(rng, n, |r| v.subjects.get(r))
}

fn themes(v: &Vocab, rng: &mut Rng) -> Vec<&'static str> {
    let n = rng.range(1, 4);
    pick_distinct(rng, n, |r| v.terms.get(r))
}

// ---------------------------------------------------------------------------
// Records (metadata are generated serially, bodies in parallel)
// ---------------------------------------------------------------------------

struct Holder {
    title: String,
    kind: &'static str,
    prov: usize,
    city: Option<String>,
    summary: String,
    outcomes: Vec<usize>,
}

struct Outcome {
    title: String,
    year: u32,
    level: &'static str,
    holder: usize,
    people: Vec<String>,
    partners: Vec<String>,
    prov: usize,
    stages: Vec<&'static str>,
    subjects: Vec<&'static str>,
    themes: Vec<&'static str>,
    promotion: Option<&'static str>,
    rounds: Vec<u32>,
    contact: Option<(String, String)>,
    summary: String,
    featured: bool,
}

struct Apply {
    outcome: usize,
    department: String,
    schools: Vec<String>,
}

struct Region {
    title: String,
    county: String,
    prov: usize,
    demonstration: bool,
    period: (String, String),
    applies: Vec<Apply>,
    summary: String,
}

struct Case {
    title: String,
    date: String,
    region: usize,
    school: String,
    outcomes: Vec<usize>,
    authors: Vec<String>,
    source: String,
    stages: Vec<&'static str>,
    subjects: Vec<&'static str>,
    themes: Vec<&'static str>,
    summary: String,
    featured: bool,
}

struct Notice {
    title: String,
    date: String,
    issuer: String,
    number: String,
    summary: String,
}

struct Corpus {
    seed: u64,
    holders: Vec<Holder>,
    outcomes: Vec<Outcome>,
    regions: Vec<Region>,
    cases: Vec<Case>,
    notices: Vec<Notice>,
}

#[derive(Clone, Copy)]
struct Scale {
    outcomes: usize,
    holders: usize,
    regions: usize,
    cases: usize,
    notices: usize,
    /// Multiplier for body lengths (the same for both scales: small keeps realistic record
    /// sizes); 0.97 puts the national corpus at ~40 M Han characters of body text.
    length: f64,
}

const NATIONAL: Scale = Scale {
    outcomes: 1500,
    holders: 800,
    regions: 400,
    cases: 10_000,
    notices: 300,
    length: 0.97,
};
const SMALL: Scale = Scale {
    outcomes: 15,
    holders: 8,
    regions: 4,
    cases: 100,
    notices: 3,
    length: 0.97,
};

fn hid(i: usize) -> String {
    format!("h{:04}", i + 1)
}
fn oid(i: usize) -> String {
    format!("o{:05}", i + 1)
}
fn rid(i: usize) -> String {
    format!("r{:04}", i + 1)
}
fn cid(i: usize) -> String {
    format!("c{:05}", i + 1)
}
fn nid(i: usize) -> String {
    format!("n{:04}", i + 1)
}

fn date(rng: &mut Rng, y0: usize, y1: usize) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        rng.range(y0, y1),
        rng.range(1, 12),
        rng.range(1, 28)
    )
}

fn outcome_title(g: &mut Gen, place: &str) -> String {
    let saved = std::mem::take(&mut g.out);
    let v = g.v;
    match g.rng.below(9) {
        0 => {
            g.np();
            g.out.push_str("的实践研究");
        }
        1 => {
            g.out.push_str("基于");
            g.push_term();
            g.out.push('的');
            g.np();
            g.out.push_str("实践探索");
        }
        2 => {
            g.out.push_str(place);
            g.push_term();
            g.out.push_str(v.heads.get(&mut g.rng));
            g.out.push_str(
                g.rng
                    .pick(&["的区域实践", "的校本探索", "的创新实践", "的十年探索"]),
            );
        }
        3 => {
            g.np();
            g.out.push_str("——");
            g.np();
            g.out.push('的');
            g.out.push_str(place);
            g.out.push_str("实践");
        }
        4 => {
            g.out.push_str("指向");
            g.push_term();
            g.out.push('的');
            g.np();
            g.out.push_str("体系构建与实施");
        }
        5 => {
            g.out.push('“');
            g.push_term();
            g.out.push('”');
            g.np();
            g.out.push('的');
            g.out.push_str(v.durations.get(&mut g.rng));
            g.out.push_str("年探索");
        }
        6 => {
            g.out.push_str("创建基于");
            g.push_term();
            g.out.push('的');
            g.np();
            g.out.push_str("体系");
        }
        7 => {
            g.out.push_str("融入");
            g.push_term();
            g.out.push('的');
            g.np();
            g.out.push_str("课程体系的实践与创新");
        }
        _ => {
            g.out.push_str(v.verbs.get(&mut g.rng));
            g.np();
            g.out.push('的');
            g.out.push_str(v.heads.get(&mut g.rng));
            g.out.push_str("研究");
        }
    }
    std::mem::replace(&mut g.out, saved)
}

fn build_corpus(v: &Vocab, seed: u64, scale: Scale) -> Corpus {
    // Holders
    let mut holders: Vec<Holder> = (0..scale.holders)
        .map(|i| {
            let mut g = Gen::new(v, Rng::derive(seed, S_HOLDER, i as u64));
            let prov = pick_province(&mut g.rng);
            let (full, short, _) = PROVINCES[prov];
            let kz = Zipf::new(HOLDER_KINDS.len(), 1.2);
            let kind = HOLDER_KINDS[kz.sample(&mut g.rng)];
            let city = if prov >= MAINLAND {
                None
            } else if is_municipality(prov) {
                Some(full.to_string())
            } else {
                Some(place_name(v, &mut g.rng) + "市")
            };
            let cityname = city.clone().unwrap_or_else(|| short.to_string());
            let local = if is_municipality(prov) {
                format!("{full}{}区", place_name(v, &mut g.rng))
            } else {
                cityname.clone()
            };
            let title = match kind {
                "中小学" => school_name(v, &mut g.rng, &local),
                "教研机构" => match g.rng.below(4) {
                    0 => format!("{full}教育科学研究院"),
                    1 => format!("{cityname}教育科学研究院"),
                    2 => format!("{local}教师发展中心"),
                    _ => format!("{cityname}教育局教学研究室"),
                },
                "高等学校" => format!(
                    "{}{}",
                    place_name(v, &mut g.rng),
                    g.rng
                        .pick(&["师范大学", "大学", "教育学院", "师范学院", "第二师范学院"])
                ),
                "教育行政部门" => {
                    if g.rng.chance(0.3) {
                        edu_department(prov)
                    } else {
                        format!("{local}教育局")
                    }
                }
                "幼儿园" => format!(
                    "{local}{}",
                    g.rng
                        .pick(&["实验幼儿园", "机关幼儿园", "第一幼儿园", "中心幼儿园"])
                ),
                _ => format!(
                    "{}{}",
                    local,
                    g.rng.pick(&[
                        "教育学会",
                        "教育发展研究中心",
                        "青少年活动中心",
                        "教育评估院"
                    ])
                ),
            };
            let lead = format!("{title}是{short}");
            let role = g.rng.pick(&[
                "开展教学研究的重要力量",
                "推进基础教育改革的实践基地",
                "一所有较强影响力的单位",
                "教学成果培育和推广的骨干单位",
            ]);
            let summary = g.summary(&format!("{lead}{role}。"), 200);
            Holder {
                title,
                kind,
                prov,
                city,
                summary,
                outcomes: Vec::new(),
            }
        })
        .collect();

    // Outcomes
    let outcomes: Vec<Outcome> = (0..scale.outcomes)
        .map(|i| {
            let mut g = Gen::new(v, Rng::derive(seed, S_OUTCOME, i as u64));
            let holder = g.rng.below(holders.len());
            let prov = holders[holder].prov;
            let year = g.rng.pick(YEARS);
            let u = g.rng.unit();
            let level = if u < 0.03 {
                LEVELS[0]
            } else if u < 0.25 {
                LEVELS[1]
            } else {
                LEVELS[2]
            };
            let themes = themes(v, &mut g.rng);
            g.topic = themes.clone();
            let np = g.rng.range(2, 6);
            let people: Vec<String> = (0..np).map(|_| person_name(v, &mut g.rng)).collect();
            let npart = g.rng.range(1, 5);
            let partners: Vec<String> = (0..npart)
                .map(|_| {
                    let p = place_name(v, &mut g.rng) + g.rng.pick(&["区", "县", "市"]);
                    school_name(v, &mut g.rng, &p)
                })
                .collect();
            let place = PROVINCES[prov].1.to_string();
            let title = outcome_title(&mut g, &place);
            let stages = stages(&mut g.rng);
            let subjects = subjects(v, &mut g.rng);
            let promotion = if g.rng.chance(0.6) {
                Some(g.rng.pick(PROMOTIONS))
            } else {
                None
            };
            let rounds = if g.rng.chance(0.5) {
                if g.rng.chance(0.5) {
                    vec![2021, 2024]
                } else {
                    vec![g.rng.pick(&[2021u32, 2024])]
                }
            } else {
                Vec::new()
            };
            let contact = if g.rng.chance(0.25) {
                let phone = format!(
                    "0{}-{}",
                    g.rng.range(10, 999),
                    g.rng.range(20_000_000, 89_999_999)
                );
                Some((people[0].clone(), phone))
            } else {
                None
            };
            let lead = format!("本成果由{}{}等完成，", holders[holder].title, people[0]);
            let summary = g.summary(&lead, 280);
            let featured = g.rng.chance(0.02);
            Outcome {
                title,
                year,
                level,
                holder,
                people,
                partners,
                prov,
                stages,
                subjects,
                themes,
                promotion,
                rounds,
                contact,
                summary,
                featured,
            }
        })
        .collect();
    for (i, o) in outcomes.iter().enumerate() {
        holders[o.holder].outcomes.push(i);
    }

    // Regions
    let regions: Vec<Region> = (0..scale.regions)
        .map(|i| {
            let mut g = Gen::new(v, Rng::derive(seed, S_REGION, i as u64));
            let prov = g.rng.below(MAINLAND);
            let (full, _, _) = PROVINCES[prov];
            let county = place_name(v, &mut g.rng) + g.rng.pick(&["区", "区", "县", "市"]);
            let title = if is_municipality(prov) {
                format!("{full}{county}")
            } else if county.ends_with('市') {
                // county-level city: "XX省YY市"
                format!("{}{}", full, county)
            } else {
                format!("{}市{}", place_name(v, &mut g.rng), county)
            };
            let demonstration = g.rng.chance(0.4);
            let y = g.rng.pick(&[2021usize, 2022, 2023]);
            let period = (
                format!("{y}-{:02}", g.rng.range(1, 9)),
                format!("{}-12", y + 2),
            );
            let na = g.rng.range(2, 6);
            let picked = pick_distinct(&mut g.rng, na, |r| r.below(outcomes.len()));
            let applies = picked
                .into_iter()
                .map(|o| {
                    let department = format!(
                        "{county}{}",
                        g.rng.pick(&[
                            "教育科学研究所",
                            "教师发展中心",
                            "教育局基础教育科",
                            "教研室",
                            "教育局"
                        ])
                    );
                    let ns = g.rng.range(1, 4);
                    let schools = (0..ns)
                        .map(|_| school_name(v, &mut g.rng, &county))
                        .collect();
                    Apply {
                        outcome: o,
                        department,
                        schools,
                    }
                })
                .collect();
            let lead = format!(
                "{title}{}，",
                if demonstration {
                    "是国家级优秀教学成果推广应用示范区"
                } else {
                    "积极参与优秀教学成果推广应用"
                }
            );
            let summary = g.summary(&lead, 240);
            Region {
                title,
                county,
                prov,
                demonstration,
                period,
                applies,
                summary,
            }
        })
        .collect();

    // Cases
    let cases: Vec<Case> = (0..scale.cases)
        .map(|i| {
            let mut g = Gen::new(v, Rng::derive(seed, S_CASE, i as u64));
            let region = g.rng.below(regions.len());
            let reg = &regions[region];
            let nout = if g.rng.chance(0.8) { 1 } else { 2 };
            let mut outs: Vec<usize> =
                pick_distinct(&mut g.rng, nout, |r| r.below(reg.applies.len()));
            outs.sort_unstable();
            let outcomes_: Vec<usize> = outs.iter().map(|&a| reg.applies[a].outcome).collect();
            let school = if g.rng.chance(0.8) {
                let a = &reg.applies[outs[0]];
                a.schools[g.rng.below(a.schools.len())].clone()
            } else {
                school_name(v, &mut g.rng, &reg.county)
            };
            let o = &outcomes[outcomes_[0]];
            let mut th: Vec<&'static str> = vec![o.themes[0]];
            for t in themes(v, &mut g.rng) {
                if !th.contains(&t) && th.len() < 4 {
                    th.push(t);
                }
            }
            g.topic = th.clone();
            g.schools = vec![school.clone()];
            g.places = vec![reg.title.clone(), reg.county.clone()];
            let na = g.rng.range(1, 3);
            let authors: Vec<String> = (0..na).map(|_| person_name(v, &mut g.rng)).collect();
            g.people = authors.clone();
            let source = if g.rng.chance(0.5) {
                school.clone()
            } else {
                format!(
                    "{}{}",
                    reg.county,
                    g.rng.pick(&["教育科学研究所", "教师发展中心", "教育局"])
                )
            };
            let title = {
                let saved = std::mem::take(&mut g.out);
                match g.rng.below(5) {
                    0 => {
                        g.out.push_str(&school);
                        g.out.push('：');
                        g.np();
                        g.out.push_str("的实践");
                    }
                    1 => {
                        g.out.push('以');
                        g.push_term();
                        g.out.push('促');
                        g.np();
                        g.out.push_str("——");
                        g.out.push_str(&school);
                        g.out.push_str("的探索");
                    }
                    2 => {
                        g.out.push_str(&reg.title);
                        g.out.push('：');
                        g.out.push_str(v.advs.get(&mut g.rng));
                        g.out.push_str(v.verbs.get(&mut g.rng));
                        g.np();
                    }
                    3 => {
                        g.out.push('“');
                        g.push_term();
                        g.out.push_str("”让");
                        g.np();
                        g.out.push_str(g.rng.pick(&[
                            "焕发活力",
                            "落地生根",
                            "提质增效",
                            "走向深入",
                        ]));
                    }
                    _ => {
                        g.out.push_str(&school);
                        g.out.push_str(v.verbs.get(&mut g.rng));
                        g.np();
                        g.out.push_str("的做法与成效");
                    }
                }
                std::mem::replace(&mut g.out, saved)
            };
            let date = date(&mut g.rng, 2021, 2025);
            let st = stages(&mut g.rng);
            let su = subjects(v, &mut g.rng);
            let lead = format!("{school}应用“{}”成果，", o.themes[0]);
            let summary = g.summary(&lead, 260);
            let featured = g.rng.chance(0.01);
            Case {
                title,
                date,
                region,
                school,
                outcomes: outcomes_,
                authors,
                source,
                stages: st,
                subjects: su,
                themes: th,
                summary,
                featured,
            }
        })
        .collect();

    // Notices
    let notices: Vec<Notice> = (0..scale.notices)
        .map(|i| {
            let mut g = Gen::new(v, Rng::derive(seed, S_NOTICE, i as u64));
            let y = g.rng.range(2019, 2025);
            let date = format!("{y:04}-{:02}-{:02}", g.rng.range(1, 12), g.rng.range(1, 28));
            let n = g.rng.range(1, 60);
            let (issuer, number) = match g.rng.below(6) {
                0 => (
                    "教育部办公厅".to_string(),
                    format!(
                        "{}〔{y}〕{n}号",
                        g.rng.pick(&["教基厅函", "教师厅函", "教基厅"])
                    ),
                ),
                1 => ("教育部".to_string(), format!("教基〔{y}〕{n}号")),
                2 | 3 => {
                    let p = g.rng.below(MAINLAND);
                    (
                        edu_department(p),
                        format!(
                            "{}{}〔{y}〕{n}号",
                            PROVINCES[p].2,
                            g.rng.pick(&["教基", "教发", "教函", "教基函"])
                        ),
                    )
                }
                _ => {
                    let c = place_name(v, &mut g.rng);
                    let first: String = c.chars().next().unwrap().to_string();
                    (format!("{c}市教育局"), format!("{first}教发〔{y}〕{n}号"))
                }
            };
            let t = g.term();
            let title = match g.rng.below(7) {
                0 => format!("{issuer}关于做好{y}年基础教育国家级优秀教学成果推广应用工作的通知"),
                1 => format!("关于公布{y}年{t}典型案例的通知"),
                2 => format!(
                    "关于印发《{}基础教育优秀教学成果推广应用三年行动计划（{y}—{}年）》的通知",
                    place_name(v, &mut g.rng),
                    y + 2
                ),
                3 => format!("关于开展{t}专题培训的通知"),
                4 => format!("关于进一步加强{t}的实施意见"),
                5 => format!("关于遴选{y}年度成果推广应用示范校的通知"),
                _ => format!("关于举办{t}现场推进会的通知"),
            };
            g.topic = vec![t];
            let verb = v.verbs.get(&mut g.rng);
            let summary = g.summary(&format!("为{verb}{t}，"), 200);
            Notice {
                title,
                date,
                issuer,
                number,
                summary,
            }
        })
        .collect();

    Corpus {
        seed,
        holders,
        outcomes,
        regions,
        cases,
        notices,
    }
}

// ---------------------------------------------------------------------------
// Front matter (YAML) helpers
// ---------------------------------------------------------------------------

use chengguo::content::yaml::scalar as ys;

fn flow_list<S: AsRef<str>>(xs: &[S]) -> String {
    let items: Vec<String> = xs.iter().map(|x| ys(x.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

fn block_list<S: AsRef<str>>(out: &mut String, key: &str, xs: &[S]) {
    let _ = writeln!(out, "{key}:");
    for x in xs {
        let _ = writeln!(out, "  - {}", ys(x.as_ref()));
    }
}

// ---------------------------------------------------------------------------
// Record files
// ---------------------------------------------------------------------------

/// The record kinds the corpus writes (all but `pages`), and a per-kind
/// salt for the random streams.
fn kind_tag(k: Kind) -> u64 {
    k as u64 + 1
}

fn len_target(rng: &mut Rng, lo: usize, hi: usize, scale: Scale) -> usize {
    (rng.range(lo, hi) as f64 * scale.length) as usize
}

/// Returns (file name, file content, body chars).
fn render(c: &Corpus, v: &Vocab, scale: Scale, kind: Kind, i: usize) -> (String, String, usize) {
    let mut g = Gen::new(
        v,
        Rng::derive(c.seed, S_BODY ^ (kind_tag(kind) << 32), i as u64),
    );
    let mut fm = String::with_capacity(2048);
    fm.push_str("---\n");
    let id;
    match kind {
        Kind::Outcome => {
            let o = &c.outcomes[i];
            id = oid(i);
            let h = &c.holders[o.holder];
            let _ = writeln!(fm, "title: {}", ys(&o.title));
            let _ = writeln!(fm, "award:\n  year: {}\n  level: {}", o.year, o.level);
            let _ = writeln!(fm, "holder: {}", hid(o.holder));
            let _ = writeln!(fm, "people: {}", flow_list(&o.people));
            block_list(&mut fm, "partners", &o.partners);
            let _ = writeln!(fm, "province: {}", PROVINCES[o.prov].0);
            let _ = writeln!(fm, "stages: {}", flow_list(&o.stages));
            let _ = writeln!(fm, "subjects: {}", flow_list(&o.subjects));
            let _ = writeln!(fm, "themes: {}", flow_list(&o.themes));
            if let Some(p) = o.promotion {
                let _ = writeln!(fm, "promotion: {p}");
            }
            if !o.rounds.is_empty() {
                let r: Vec<String> = o.rounds.iter().map(|x| x.to_string()).collect();
                let _ = writeln!(fm, "rounds: [{}]", r.join(", "));
            }
            if let Some((name, phone)) = &o.contact {
                let _ = writeln!(
                    fm,
                    "contact:\n  name: {}\n  phone: {}\n  email: {}@example.edu.cn",
                    ys(name),
                    ys(phone),
                    id
                );
            }
            let _ = writeln!(fm, "summary: {}", ys(&o.summary));
            if o.featured {
                fm.push_str("featured: true\n");
            }

            g.topic = o.themes.clone();
            g.set_subjects(&o.subjects);
            g.people = o.people.clone();
            g.schools = o.partners.clone();
            g.schools.push(h.title.clone());
            g.places = vec![PROVINCES[o.prov].1.to_string()];
            let target = len_target(&mut g.rng, 4000, 8000, scale);
            let start = g.out.len();
            let _ = write!(
                g.out,
                "{}是{}{}等历经{}年完成的教学成果，{}年获基础教育国家级教学成果{}。",
                o.title,
                h.title,
                o.people.join("、"),
                v.durations.get(&mut g.rng),
                o.year,
                o.level
            );
            g.paragraph();
            const SECTIONS: &[(&str, f64)] = &[
                ("主要解决的教学问题", 0.15),
                ("解决问题的方法", 0.35),
                ("创新点", 0.15),
                ("推广应用效果", 0.2),
                ("推广应用条件与方式", 0.15),
            ];
            for (s, (name, w)) in SECTIONS.iter().enumerate() {
                g.heading(2, name);
                let budget = (target as f64 * w) as usize;
                if s == 1 {
                    let subs = g.rng.range(2, 4);
                    for k in 0..subs {
                        let t = g.sub_heading_text(k);
                        g.heading(3, &t);
                        g.fill(budget / subs);
                    }
                } else {
                    if s == 3 {
                        let _ = write!(g.out, "成果已在{}等单位推广应用。", o.partners.join("、"));
                    }
                    g.fill(budget);
                }
            }
            let body_chars = g.out[start..].chars().count();
            finish(fm, g.out, kind, id, body_chars)
        }
        Kind::Holder => {
            let h = &c.holders[i];
            id = hid(i);
            let _ = writeln!(fm, "title: {}", ys(&h.title));
            let _ = writeln!(fm, "kind: {}", h.kind);
            let _ = writeln!(fm, "province: {}", PROVINCES[h.prov].0);
            if let Some(city) = &h.city {
                let _ = writeln!(fm, "city: {}", ys(city));
            }
            let _ = writeln!(fm, "summary: {}", ys(&h.summary));
            g.places = vec![h
                .city
                .clone()
                .unwrap_or_else(|| PROVINCES[h.prov].1.to_string())];
            g.schools = vec![h.title.clone()];
            let target = len_target(&mut g.rng, 300, 900, scale);
            g.heading(2, "单位简介");
            g.fill(target * 2 / 3);
            if !h.outcomes.is_empty() {
                g.heading(2, "获奖成果");
                for &o in &h.outcomes {
                    let oc = &c.outcomes[o];
                    let _ = writeln!(
                        g.out,
                        "- [{}](../outcomes/{}.md)（{}年{}）",
                        oc.title,
                        oid(o),
                        oc.year,
                        oc.level
                    );
                }
                g.out.push('\n');
            }
            g.heading(2, "推广应用");
            g.fill(target / 3);
            let body_chars = g.out.chars().count();
            finish(fm, g.out, kind, id, body_chars)
        }
        Kind::Region => {
            let r = &c.regions[i];
            id = rid(i);
            let _ = writeln!(fm, "title: {}", ys(&r.title));
            let _ = writeln!(fm, "province: {}", PROVINCES[r.prov].0);
            let _ = writeln!(fm, "demonstration: {}", r.demonstration);
            let _ = writeln!(
                fm,
                "period:\n  start: \"{}\"\n  end: \"{}\"",
                r.period.0, r.period.1
            );
            fm.push_str("applies:\n");
            for a in &r.applies {
                let _ = writeln!(fm, "  - outcome: {}", oid(a.outcome));
                let _ = writeln!(fm, "    department: {}", ys(&a.department));
                let _ = writeln!(fm, "    schools: {}", flow_list(&a.schools));
            }
            let _ = writeln!(fm, "summary: {}", ys(&r.summary));
            g.places = vec![r.title.clone(), r.county.clone()];
            g.schools = r
                .applies
                .iter()
                .flat_map(|a| a.schools.iter().cloned())
                .collect();
            let target = len_target(&mut g.rng, 500, 1500, scale);
            g.heading(2, "区域概况");
            g.fill(target / 2);
            g.heading(2, "应用成果");
            for a in &r.applies {
                let oc = &c.outcomes[a.outcome];
                let _ = writeln!(
                    g.out,
                    "- [{}](../outcomes/{}.md)：{}负责，基地学校{}",
                    oc.title,
                    oid(a.outcome),
                    a.department,
                    a.schools.join("、")
                );
            }
            g.out.push('\n');
            g.heading(2, "工作进展");
            g.fill(target / 2);
            let body_chars = g.out.chars().count();
            finish(fm, g.out, kind, id, body_chars)
        }
        Kind::Case => {
            let k = &c.cases[i];
            id = cid(i);
            let r = &c.regions[k.region];
            let _ = writeln!(fm, "title: {}", ys(&k.title));
            let _ = writeln!(fm, "date: {}", k.date);
            let _ = writeln!(fm, "region: {}", rid(k.region));
            let _ = writeln!(fm, "school: {}", ys(&k.school));
            let ids: Vec<String> = k.outcomes.iter().map(|&o| oid(o)).collect();
            let _ = writeln!(fm, "outcomes: {}", flow_list(&ids));
            let _ = writeln!(fm, "authors: {}", flow_list(&k.authors));
            let _ = writeln!(fm, "source: {}", ys(&k.source));
            let _ = writeln!(fm, "stages: {}", flow_list(&k.stages));
            let _ = writeln!(fm, "subjects: {}", flow_list(&k.subjects));
            let _ = writeln!(fm, "themes: {}", flow_list(&k.themes));
            let _ = writeln!(fm, "summary: {}", ys(&k.summary));
            if k.featured {
                fm.push_str("featured: true\n");
            }
            g.topic = k.themes.clone();
            g.set_subjects(&k.subjects);
            g.schools = vec![k.school.clone()];
            g.places = vec![r.title.clone(), r.county.clone()];
            g.people = k.authors.clone();
            let target = len_target(&mut g.rng, 2000, 4000, scale);
            let o = &c.outcomes[k.outcomes[0]];
            let _ = write!(
                g.out,
                "{}自{}年起应用成果[《{}》](../outcomes/{}.md)，",
                k.school,
                &k.date[..4],
                o.title,
                oid(k.outcomes[0])
            );
            g.paragraph();
            const HEADINGS: &[&[&str]] = &[
                &["背景与问题", "主要做法", "实施成效", "经验与反思"],
                &[
                    "一、案例背景",
                    "二、实践过程",
                    "三、取得成效",
                    "四、下一步打算",
                ],
                &["问题的提出", "成果的引入与转化", "实践路径", "效果与反思"],
            ];
            let hs = HEADINGS[g.rng.below(HEADINGS.len())];
            for (s, h) in hs.iter().enumerate() {
                g.heading(2, h);
                let w = if s == 1 || s == 2 { 0.33 } else { 0.17 };
                g.fill((target as f64 * w) as usize);
            }
            let _ = writeln!(g.out, "（撰稿：{}；{}）", k.authors.join("、"), k.source);
            let body_chars = g.out.chars().count();
            finish(fm, g.out, kind, id, body_chars)
        }
        Kind::Notice => {
            let n = &c.notices[i];
            id = nid(i);
            let _ = writeln!(fm, "title: {}", ys(&n.title));
            let _ = writeln!(fm, "date: {}", n.date);
            let _ = writeln!(fm, "issuer: {}", ys(&n.issuer));
            let _ = writeln!(fm, "number: {}", ys(&n.number));
            let _ = writeln!(fm, "summary: {}", ys(&n.summary));
            let target = len_target(&mut g.rng, 800, 2500, scale);
            g.out.push_str(g.rng.pick(&[
                "各省、自治区、直辖市教育厅（教委），新疆生产建设兵团教育局：\n\n",
                "各区县教育局，局属各学校：\n\n",
                "各有关单位：\n\n",
            ]));
            g.paragraph();
            const SECS: &[&str] = &[
                "一、总体要求",
                "二、重点任务",
                "三、组织实施",
                "四、保障措施",
                "五、工作要求",
            ];
            let ns = g.rng.range(3, 5);
            for h in &SECS[..ns] {
                g.heading(2, h);
                g.fill(target / ns);
            }
            let (y, rest) = n.date.split_at(4);
            let m: u32 = rest[1..3].parse().unwrap();
            let d: u32 = rest[4..6].parse().unwrap();
            let _ = write!(g.out, "{}\n\n{}年{}月{}日\n", n.issuer, y, m, d);
            let body_chars = g.out.chars().count();
            finish(fm, g.out, kind, id, body_chars)
        }
        Kind::Page => unreachable!("the corpus writes no pages"),
    }
}

fn finish(
    mut fm: String,
    body: String,
    kind: Kind,
    id: String,
    body_chars: usize,
) -> (String, String, usize) {
    fm.push_str("---\n\n");
    fm.push_str(&body);
    let _ = kind;
    (id, fm, body_chars)
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

const USAGE: &str = "usage: chengguo-corpus OUT_DIR [--scale national|small] [--seed N] [--threads N] [--force] [--quiet]

Writes a deterministic synthetic chengguo site into OUT_DIR (site.yaml + content/).
  --scale   national (default): 1,500 outcomes, 800 holders, 400 regions, 10,000 cases,
            300 notices, ~40 million Han characters of body text; small: ~1/100 (130 records)
  --seed    PRNG seed (default 1); the same seed gives byte-identical output
  --threads worker threads (default: available parallelism; does not change the output)
  --force   replace OUT_DIR/site.yaml and OUT_DIR/content if OUT_DIR is not empty
  --quiet   no summary on stderr";

fn die(msg: &str) -> ! {
    eprintln!("chengguo-corpus: {msg}\n\n{USAGE}");
    std::process::exit(2)
}

fn main() {
    let mut out: Option<PathBuf> = None;
    let mut scale = NATIONAL;
    let mut scale_name = "national";
    let mut seed: u64 = 1;
    let mut threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut force = false;
    let mut quiet = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            "--scale" => {
                let s = args.next().unwrap_or_else(|| die("--scale needs a value"));
                scale = match s.as_str() {
                    "national" => NATIONAL,
                    "small" => SMALL,
                    _ => die("--scale must be national or small"),
                };
                scale_name = if s == "small" { "small" } else { "national" };
            }
            "--seed" => {
                seed = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_else(|| die("--seed needs an unsigned integer"))
            }
            "--threads" => {
                threads = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .filter(|&n: &usize| n > 0)
                    .unwrap_or_else(|| die("--threads needs a positive integer"))
            }
            "--force" => force = true,
            "--quiet" => quiet = true,
            s if s.starts_with('-') => die(&format!("unknown option {s}")),
            s => {
                if out.is_some() {
                    die("only one OUT_DIR");
                }
                out = Some(PathBuf::from(s));
            }
        }
    }
    let out = out.unwrap_or_else(|| die("missing OUT_DIR"));
    if let Err(e) = run(&out, scale, scale_name, seed, threads, force, quiet) {
        eprintln!("chengguo-corpus: {e}");
        std::process::exit(1);
    }
}

fn run(
    out: &Path,
    scale: Scale,
    scale_name: &str,
    seed: u64,
    threads: usize,
    force: bool,
    quiet: bool,
) -> std::io::Result<()> {
    let t0 = Instant::now();
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        if !force {
            return Err(std::io::Error::other(format!(
                "{} is not empty (use --force to replace its site.yaml and content/)",
                out.display()
            )));
        }
        let content = out.join("content");
        if content.exists() {
            std::fs::remove_dir_all(&content)?;
        }
    }
    let content = out.join("content");
    let kinds = [
        Kind::Outcome,
        Kind::Holder,
        Kind::Region,
        Kind::Case,
        Kind::Notice,
    ];
    for k in kinds {
        std::fs::create_dir_all(content.join(k.dir()))?;
    }
    std::fs::write(
        out.join("site.yaml"),
        format!("# Synthetic benchmark corpus written by chengguo-corpus (scale {scale_name}, seed {seed}).\ntitle: 基础教育国家级优秀教学成果推广应用（合成测试语料）\n"),
    )?;

    let v = Vocab::new();
    let corpus = build_corpus(&v, seed, scale);
    let t_meta = t0.elapsed();

    let mut jobs: Vec<(Kind, usize)> = Vec::new();
    for (k, n) in [
        (Kind::Outcome, scale.outcomes),
        (Kind::Holder, scale.holders),
        (Kind::Region, scale.regions),
        (Kind::Case, scale.cases),
        (Kind::Notice, scale.notices),
    ] {
        jobs.extend((0..n).map(|i| (k, i)));
    }
    let next = AtomicUsize::new(0);
    let results: Vec<std::io::Result<(usize, usize, usize)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> std::io::Result<(usize, usize, usize)> {
                    let (mut chars, mut han, mut bytes) = (0usize, 0usize, 0usize);
                    loop {
                        let j = next.fetch_add(1, Ordering::Relaxed);
                        if j >= jobs.len() {
                            break;
                        }
                        let (k, i) = jobs[j];
                        let (id, text, body_chars) = render(&corpus, &v, scale, k, i);
                        chars += body_chars;
                        han += text.split("\n---\n").nth(1).map(count_han).unwrap_or(0);
                        bytes += text.len();
                        std::fs::write(content.join(k.dir()).join(format!("{id}.md")), text)?;
                    }
                    Ok((chars, han, bytes))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker panicked"))
            .collect()
    });
    let (mut chars, mut han, mut bytes) = (0, 0, 0);
    for r in results {
        let (c, h, b) = r?;
        chars += c;
        han += h;
        bytes += b;
    }
    if !quiet {
        eprintln!(
            "chengguo-corpus: scale {scale_name}, seed {seed}: {} records ({} outcomes, {} holders, {} regions, {} cases, {} notices) in {}",
            jobs.len(),
            scale.outcomes,
            scale.holders,
            scale.regions,
            scale.cases,
            scale.notices,
            out.display()
        );
        eprintln!(
            "chengguo-corpus: body text {:.1} M characters ({:.1} M Han characters), {:.1} MB of files; {:.2} s ({:.2} s metadata, {threads} threads)",
            chars as f64 / 1e6,
            han as f64 / 1e6,
            bytes as f64 / 1e6,
            t0.elapsed().as_secs_f64(),
            t_meta.as_secs_f64()
        );
    }
    Ok(())
}

fn count_han(s: &str) -> usize {
    s.chars()
        .filter(|&c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
        .count()
}
